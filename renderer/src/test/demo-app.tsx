// The app's store wired to the in-memory demo host, for component tests that click through the UI.
import { act } from '@testing-library/react';
import { setTransport } from '../api/current';
import { createDemoTransport } from '../api/demo-api';
import { wireStore } from '../api/connect';
import { useTransfers } from '../store/transfers-store';
import { ALL } from '../store/filters';
import { useUi } from '../store/ui-store';

export async function demoHost(opts: { count: number; active: number; desktop?: boolean }) {
  const demo = createDemoTransport({ ...opts, tickMs: 20 });
  setTransport(demo);
  useUi.setState({ selected: new Set(), anchor: null, focused: null, pending: new Map(), toasts: [], dialog: null, menu: null });
  useTransfers.getState().setFilter(ALL);
  useTransfers.getState().setHidden(new Set());
  const unwire = wireStore(demo, useTransfers);
  await act(() => new Promise((r) => setTimeout(r, 60)));
  return {
    demo,
    async hostState(id: string) {
      const r = await demo.api.snapshot();
      return r.ok ? r.value.transfers.find((t) => t.id === id)?.state : undefined;
    },
    stop() {
      unwire();
      demo.stop();
      setTransport(null);
    },
  };
}

/** Lets timers and patches run inside act(). */
export const settle = (ms = 80) => act(() => new Promise<void>((r) => setTimeout(r, ms)));
