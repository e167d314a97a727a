// @vitest-environment jsdom
// Issue 18 item 5: in a browser, the desktop app's settings (tray, start hidden, start at login, ask
// before quitting, keep awake) are not offered as if they did something; notifications work through
// the browser's Notification API, which is asked for permission when the user turns them on.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings-defaults';
import { createBrowserNotices } from '../lib/browser-notices';
import { demoHost, settle } from '../test/demo-app';
import { view } from '../test/views';
import { SettingsDialog } from './SettingsDialog';

/** The browser's Notification API as jsdom lacks it: records what the page shows and asks. */
class FakeNotification {
  static permission: NotificationPermission = 'default';
  static answer: NotificationPermission = 'granted';
  static asked = 0;
  static shown: { title: string; body?: string }[] = [];
  static async requestPermission(): Promise<NotificationPermission> {
    FakeNotification.asked++;
    FakeNotification.permission = FakeNotification.answer;
    return FakeNotification.permission;
  }
  constructor(title: string, options?: NotificationOptions) {
    FakeNotification.shown.push({ title, ...(options?.body !== undefined ? { body: options.body } : {}) });
  }
}

beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
  (globalThis as { Notification?: unknown }).Notification = FakeNotification;
});
let host: Awaited<ReturnType<typeof demoHost>> | undefined;
beforeEach(() => {
  FakeNotification.permission = 'default';
  FakeNotification.answer = 'granted';
  FakeNotification.asked = 0;
  FakeNotification.shown = [];
});
afterEach(() => {
  cleanup();
  host?.stop();
});

describe('settings in a browser', () => {
  it('offers no desktop-only setting, and asks for permission when notifications are turned on', async () => {
    host = await demoHost({ count: 0, active: 0 });
    await act(() => host!.demo.api.setSettings({ notifications: false }).then(() => undefined));
    render(<SettingsDialog />);
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    for (const label of [/tray/i, /when I log in/i, /before quitting/i, /awake/i]) expect(within(dialog).queryByRole('checkbox', { name: label })).toBeNull();
    expect(dialog.textContent).toMatch(/settings of the desktop app/);
    const notify = within(dialog).getByRole('checkbox', { name: /Notify me/ }) as HTMLInputElement;
    expect(notify.checked).toBe(false);
    fireEvent.click(notify);
    await settle(20);
    expect(FakeNotification.asked).toBe(1);
    expect(notify.checked).toBe(true);
  });

  it('says so when the browser refuses, and leaves the setting off', async () => {
    host = await demoHost({ count: 0, active: 0 });
    await act(() => host!.demo.api.setSettings({ notifications: false }).then(() => undefined));
    FakeNotification.answer = 'denied';
    render(<SettingsDialog />);
    const notify = screen.getByRole('checkbox', { name: /Notify me/ }) as HTMLInputElement;
    fireEvent.click(notify);
    await settle(20);
    expect(notify.checked).toBe(false);
    expect(screen.getByRole('alert').textContent).toMatch(/blocks notifications/);
  });

  it('shows a notification when a transfer completes or fails, under the setting and the browser’s permission', () => {
    const settings = { ...DEFAULT_SETTINGS, downloadDirectory: '/tmp', notifications: true };
    const notices = createBrowserNotices(() => settings);
    notices.snapshot([view('a', 'active', { name: 'a.iso' }), view('b', 'active', { name: 'b.iso' }), view('old', 'completed')]);
    FakeNotification.permission = 'default';
    notices.patches([{ id: 'a', view: view('a', 'completed', { name: 'a.iso' }) }]);
    expect(FakeNotification.shown).toEqual([]); // not allowed by the browser yet
    FakeNotification.permission = 'granted';
    notices.patches([{ id: 'b', view: view('b', 'failed', { name: 'b.iso', error: { code: 'HTTP_STATUS', status: 404, message: 'Server says 404 Not Found', retryable: false } }) }]);
    expect(FakeNotification.shown).toEqual([{ title: 'Download failed', body: 'b.iso: Server says 404 Not Found' }]);
    settings.notifications = false;
    notices.patches([{ id: 'b', view: view('b', 'completed', { name: 'b.iso' }) }]);
    expect(FakeNotification.shown).toHaveLength(1);
  });
});
