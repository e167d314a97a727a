// @vitest-environment jsdom
// Issue 18 item 16: "?" and F1 open the list of keyboard shortcuts; "?" typed into a text field stays text.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useUi } from '../store/ui-store';
import { demoHost } from '../test/demo-app';
import { App } from './App';

beforeAll(async () => {
  // App loads the dialog lazily; loaded here, the test waits for the key, not for a module
  // transform that takes seconds on a loaded machine.
  await import('./ShortcutsDialog');
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
  // jsdom has no <dialog> methods.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
});
let host: Awaited<ReturnType<typeof demoHost>>;
beforeEach(async () => {
  host = await demoHost({ count: 2, active: 0 });
});
afterEach(() => {
  cleanup();
  host.stop();
});

/**
 * Waits for an open <dialog> with a cheap query: a failing findByRole lists every role of the
 * page in its error, which on this App takes about a second each time it is retried.
 */
const dialogOpen = () => waitFor(() => expect(document.querySelector('dialog[open]')).not.toBeNull(), { timeout: 10_000 });

describe('keyboard shortcuts list', () => {
  it('opens with "?" and with F1, and lists the shortcuts', async () => {
    render(<App />);
    fireEvent.keyDown(window, { key: '?' });
    await dialogOpen();
    // The open dialog, found cheaply; its title names it (aria-labelledby, as a screen reader reads it).
    const dialog = document.querySelector('dialog[open]')!;
    expect(document.getElementById(dialog.getAttribute('aria-labelledby') ?? '')?.textContent).toBe('Keyboard shortcuts');
    for (const what of ['Add downloads', 'Search', 'Settings', 'Pause or resume', 'Select all shown transfers', 'Show details', 'Download']) {
      expect(dialog.textContent).toContain(what);
    }
    act(() => useUi.getState().closeDialog());
    expect(document.querySelector('dialog[open]')).toBeNull();
    fireEvent.keyDown(window, { key: 'F1' });
    await dialogOpen();
    expect(document.querySelector('dialog[open]')?.textContent).toContain('Select all shown transfers');
  });

  it('"?" typed in the search field is just text', () => {
    render(<App />);
    const search = screen.getByRole('searchbox', { name: 'Search transfers' });
    fireEvent.keyDown(search, { key: '?' });
    expect(useUi.getState().dialog).toBeNull();
  });
});
