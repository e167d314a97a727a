// Picks the transport for this page and feeds the host's events into the store.
import { bridgeTransport } from './bridge-transport';
import { createDemoTransport, demoOptionsFromHash } from './demo-api';
import type { FerryBridge, Transport } from './transport';
import { createWsTransport, wsOptionsFromLocation } from './ws-client';
import { fileNameOfUrl } from '../../../shared/rule-match';
import { addDownloads } from '../lib/actions';
import { createBrowserNotices } from '../lib/browser-notices';
import { createPatchPacer } from '../store/patch-pacer';
import type { TransfersStoreHook } from '../store/transfers-store';
import { useUi } from '../store/ui-store';

declare global {
  interface Window {
    ferry?: FerryBridge;
  }
}

export function pickTransport(win: Window): Transport | null {
  if (win.ferry) return bridgeTransport(win.ferry);
  const demo = demoOptionsFromHash(win.location.hash);
  if (demo) return createDemoTransport(demo);
  // The token is kept for this tab so a reload works after main.tsx hides it from the address bar.
  let stored: string | null = null;
  try {
    stored = win.sessionStorage.getItem('ferry-token');
  } catch {
    /* storage disabled: a reload then needs the printed URL again */
  }
  const ws = wsOptionsFromLocation(win.location, stored);
  if (!ws) return null;
  try {
    win.sessionStorage.setItem('ferry-token', ws.token);
  } catch {
    /* see above */
  }
  return createWsTransport(ws);
}

/** Subscribes the store to the host. Returns a function that unsubscribes everything. */
export function wireStore(transport: Transport, store: TransfersStoreHook): () => void {
  const { api } = transport;
  const s = store.getState();
  const pacer = createPatchPacer((patches) => s.applyPatches(patches));
  // The desktop app (native dialogs: Electron's main process) notifies by itself; a page does it here.
  const notices = transport.nativeDialogs ? null : createBrowserNotices(() => store.getState().settings);
  const offs = [
    api.on('snapshot', (snap) => {
      pacer.reset();
      notices?.snapshot(snap.transfers);
      s.applySnapshot(snap);
    }),
    api.on('patches', (patches) => {
      notices?.patches(patches);
      pacer.push(patches);
    }),
    api.on('settings', (settings) => s.setSettings(settings)),
    api.on('schedule', (schedule) => s.setSchedule(schedule)),
    api.on('destinations', (d) => s.setDestinations(d)),
    // The browser handed over a file Ferry is already fetching: the banner asks what to do.
    api.on('continueOffers', (offers) => s.setOffers(offers)),
    api.on('notice', (n) => useUi.getState().toast(n.message, n.level)),
    api.on('offerUpload', ({ files }) => useUi.getState().openUpload({ chosen: files })),
    // A link copied in another program (the desktop app watches the clipboard when asked): one click adds it.
    api.on('offerDownload', ({ url }) =>
      useUi.getState().toast(`Copied link: ${fileNameOfUrl(url) || url}`, 'info', { durationMs: 10_000, action: { label: 'Add', run: () => void addDownloads([url]) } }),
    ),
    transport.onConnection((c) => s.setConnection(c)),
  ];
  if (!transport.pushesSnapshot) {
    void api.snapshot().then((r) => {
      if (r.ok) notices?.snapshot(r.value.transfers);
      if (r.ok) s.applySnapshot(r.value);
      else useUi.getState().toast(r.error.message, 'error');
    });
  }
  return () => {
    pacer.stop();
    offs.forEach((off) => off());
  };
}
