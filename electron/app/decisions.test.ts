// The main process's small rules, called directly.
import { describe, expect, it, vi } from 'vitest';
import type { TransferView } from '../../shared/transfer';
import { parseLaunchArgs } from './launch-args';
import { PowerPolicy } from './power';
import { contentSecurityPolicy } from '../hosts/kit/web/security-policy';
import { TransferNoticeTracker } from '../../shared/transfer-notices';
import { aggregate, progressBarValue, trayTooltip } from './tray-status';
import { restoreBounds } from './window-bounds';

vi.mock('electron', async () => {
  const { createFakeElectron } = await import('../../test-support/fake-electron');
  return createFakeElectron().module;
});

const view = (id: string, state: TransferView['state'], done = 0, total: number | null = 100, speed = 0): TransferView => ({
  id, kind: 'download', state, name: `${id}.bin`, url: 'http://127.0.0.1/x', createdAt: 0,
  progress: { bytesDone: done, totalBytes: total, speed, etaSeconds: null }, attempt: 1, log: [],
  download: { directory: '/d', fileName: `${id}.bin`, filePath: `/d/${id}.bin`, resumable: true },
});

describe('launch arguments', () => {
  const files = new Set(['/home/me/a.txt', '/abs/b.bin']);
  const isFile = (p: string) => files.has(p);
  it('splits URLs, existing files and --hidden, ignoring switches, the executable and other schemes', () => {
    expect(
      parseLaunchArgs(
        ['/opt/ferry', '.', '--hidden', '--enable-features=X', 'https://example.com/f.iso', 'a.txt', '/abs/b.bin', 'missing.txt', 'file:///etc/passwd', 'javascript://x'],
        '/home/me',
        isFile,
      ),
    ).toEqual({ urls: ['https://example.com/f.iso'], files: ['/home/me/a.txt', '/abs/b.bin'], hidden: true });
  });
});

describe('tray status', () => {
  it('summarises active transfers as "2 active · 45% · 2.96 MiB/s"', () => {
    const agg = aggregate([view('a', 'active', 40, 100, 1_000_000), view('b', 'active', 50, 100, 2_100_000), view('c', 'completed', 5, 5)]);
    expect(trayTooltip(agg)).toBe('2 active · 45% · 2.96 MiB/s');
    expect(progressBarValue(agg)).toBeCloseTo(0.45);
  });
  it('is idle without active transfers and indeterminate when no size is known', () => {
    expect(trayTooltip(aggregate([view('a', 'paused')]))).toBe('Ferry · idle');
    expect(progressBarValue(aggregate([]))).toBe(-1);
    const unknown = aggregate([view('a', 'active', 10, null, 500)]);
    expect(trayTooltip(unknown)).toBe('1 active · 500 B/s');
    expect(progressBarValue(unknown)).toBe(2);
  });
});

describe('window bounds', () => {
  const primary = { x: 0, y: 0, width: 1920, height: 1080 };
  it('restores a visible saved place and recentres one on a screen that is gone', () => {
    expect(restoreBounds({ x: 100, y: 80, width: 900, height: 600, maximized: false }, [primary], primary)).toEqual({ x: 100, y: 80, width: 900, height: 600 });
    expect(restoreBounds({ x: 3000, y: 80, width: 900, height: 600, maximized: false }, [primary], primary)).toEqual({ x: 510, y: 240, width: 900, height: 600 });
    expect(restoreBounds(undefined, [primary], primary)).toMatchObject({ width: 1000, height: 680 });
  });
});

describe('power policy', () => {
  it('blocks sleep only while transfers run and the setting is on; pauses and resumes exactly the running ones around sleep', async () => {
    const calls: string[] = [];
    let prevent = true;
    const views = [view('a', 'active'), view('b', 'queued'), view('c', 'paused'), view('d', 'completed')];
    const policy = new PowerPolicy({
      preventSleep: () => prevent,
      startBlocker: () => (calls.push('start'), 7),
      stopBlocker: (id) => void calls.push(`stop ${id}`),
      list: () => views,
      pause: async (id) => void calls.push(`pause ${id}`),
      resume: async (id) => void calls.push(`resume ${id}`),
    });
    policy.update(2);
    policy.update(1);
    policy.update(0);
    prevent = false;
    policy.update(3);
    await policy.onSuspend();
    await policy.onResume();
    expect(calls).toEqual(['start', 'stop 7', 'pause a', 'pause b', 'resume a', 'resume b']);
  });
});

describe('transfer notices', () => {
  it('notifies once when a transfer completes or fails, not for ones already finished at start', () => {
    const tracker = new TransferNoticeTracker([view('old', 'completed')]);
    expect(tracker.changed(view('old', 'completed'))).toBeUndefined();
    expect(tracker.changed(view('a', 'active'))).toBeUndefined();
    expect(tracker.changed(view('a', 'completed'))).toEqual({ title: 'Download complete', body: 'a.bin', filePath: '/d/a.bin' });
    expect(tracker.changed(view('a', 'completed'))).toBeUndefined();
    const failed = { ...view('b', 'failed'), error: { code: 'HTTP_STATUS' as const, message: 'Server says 404 Not Found', retryable: false } };
    expect(tracker.changed(failed)?.body).toBe('b.bin: Server says 404 Not Found');
  });
});

describe('content security policy', () => {
  it('the header the session adds is the same policy as the app protocol and the headless host use', async () => {
    const { applyContentSecurityPolicy } = await import('./window-hardening');
    let handler: ((details: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined;
    applyContentSecurityPolicy({ webRequest: { onHeadersReceived: (h: typeof handler) => (handler = h) } } as never);
    let headers: Record<string, string[]> = {};
    handler!({ responseHeaders: { 'x-other': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']).toEqual([contentSecurityPolicy()]);
    expect(headers['x-other']).toEqual(['1']);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('window hardening', () => {
  it('blocks navigation away from app://ferry, new windows, webviews and every permission', async () => {
    const { hardenWebContents, denyPermissions } = await import('./window-hardening');
    const { FakeWebContents } = await import('../../test-support/fake-electron');
    const contents = new FakeWebContents();
    hardenWebContents(contents as never);
    const navigate = (event: string, url: string) => {
      let prevented = false;
      contents.emit(event, { url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-redirect', 'http://127.0.0.1/')).toBe(true);
    expect(navigate('will-navigate', 'app://ferry/index.html')).toBe(false);
    expect(navigate('will-attach-webview', 'app://ferry/x')).toBe(true);
    expect(contents.windowOpenHandler?.()).toEqual({ action: 'deny' });

    const answers: unknown[] = [];
    const handlers: Record<string, (...args: unknown[]) => unknown> = {};
    denyPermissions({
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
    } as never);
    handlers.request!(contents, 'media', (granted: boolean) => answers.push(granted));
    expect(answers).toEqual([false]);
    expect(handlers.check!(contents, 'notifications')).toBe(false);
    expect(handlers.device!({})).toBe(false);
  });

  it('serves only files inside the renderer folder on app://ferry/', async () => {
    const { fileForAppUrl, isAppUrl, withCspMeta } = await import('./app-protocol');
    expect(withCspMeta('<html><head lang="x"><title>F</title></head></html>')).toBe(
      `<html><head lang="x"><meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}"><title>F</title></head></html>`,
    );
    expect(fileForAppUrl('/r', 'app://ferry/')).toBe('/r/index.html');
    expect(fileForAppUrl('/r', 'app://ferry/assets/a.js')).toBe('/r/assets/a.js');
    expect(fileForAppUrl('/r', 'app://ferry/..%2f..%2fetc/passwd')).toBeUndefined();
    expect(fileForAppUrl('/r', 'app://ferry/%2e%2e/secret')).toBe('/r/secret'); // URL parsing already drops the ..
    expect(isAppUrl('app://ferry/index.html')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('https://ferry/')).toBe(false);
  });
});

describe('lifecycle', () => {
  it('exits after a bounded wait when the engine never finishes closing, and asks only once at a time', async () => {
    const { AppLifecycle } = await import('./lifecycle');
    const exits: number[] = [];
    let asked = 0;
    let answer: (yes: boolean) => void = () => {};
    const life = new AppLifecycle({
      settings: () => ({ closeToTray: true, confirmQuitWhileActive: true, notifications: true }),
      activeCount: () => 2,
      confirmQuit: () => {
        asked++;
        return new Promise((resolve) => (answer = resolve));
      },
      closeEngine: () => new Promise(() => {}),
      exit: (code) => void exits.push(code),
      keepsRunningNotice: () => {},
      trayNoticeShown: () => true,
      markTrayNoticeShown: () => {},
      shutdownTimeoutMs: 50,
    });
    const first = life.requestQuit();
    expect(await life.requestQuit()).toBe(false); // a second Quit while the dialog is open
    expect(asked).toBe(1);
    answer(true);
    const started = Date.now();
    expect(await first).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(exits).toEqual([0]);
    expect(life.isQuitting).toBe(true);
  });
});
