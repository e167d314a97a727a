// @vitest-environment jsdom
// Issue 18 item 16: "?" and F1 open the list of keyboard shortcuts; "?" typed into a text field stays text.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useUi } from '../store/ui-store';
import { demoHost } from '../test/demo-app';
import { App } from './App';

beforeAll(() => {
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

describe('keyboard shortcuts list', () => {
  it('opens with "?" and with F1, and lists the shortcuts', async () => {
    render(<App />);
    fireEvent.keyDown(window, { key: '?' });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' }, { timeout: 10_000 });
    for (const what of ['Add downloads', 'Search', 'Settings', 'Pause or resume', 'Select all shown transfers', 'Show details', 'Download']) {
      expect(dialog.textContent).toContain(what);
    }
    act(() => useUi.getState().closeDialog());
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).toBeNull();
    fireEvent.keyDown(window, { key: 'F1' });
    expect(await screen.findByRole('dialog', { name: 'Keyboard shortcuts' }, { timeout: 10_000 })).toBeTruthy();
  });

  it('"?" typed in the search field is just text', () => {
    render(<App />);
    const search = screen.getByRole('searchbox', { name: 'Search transfers' });
    fireEvent.keyDown(search, { key: '?' });
    expect(useUi.getState().dialog).toBeNull();
  });
});
