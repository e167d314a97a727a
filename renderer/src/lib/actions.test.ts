// Actions against the in-memory demo host (the real protocol is covered by the e2e tests).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTransport } from '../api/current';
import { createDemoTransport } from '../api/demo-api';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { addDownloads, remove, togglePause } from './actions';

let demo: ReturnType<typeof createDemoTransport>;

beforeEach(async () => {
  demo = createDemoTransport({ count: 6, active: 2, tickMs: 10_000 });
  setTransport(demo);
  demo.api.on('patches', (p) => useTransfers.getState().applyPatches(p));
  const r = await demo.api.snapshot();
  if (r.ok) useTransfers.getState().applySnapshot(r.value);
  useTransfers.getState().setFilter({ state: 'all', kind: 'all', search: '' });
});
afterEach(() => {
  demo.stop();
  setTransport(null);
});

const hostState = async (id: string) => {
  const r = await demo.api.snapshot();
  return r.ok ? r.value.transfers.find((t) => t.id === id)?.state : undefined;
};

describe('actions', () => {
  it('Space pauses the running ones among the selection, and resumes when none runs', async () => {
    const [a, b] = useTransfers.getState().order;
    expect(await hostState(a!)).toBe('active');
    togglePause([a!, b!]);
    await new Promise((r) => setTimeout(r, 0));
    expect(await hostState(a!)).toBe('paused');
    expect(await hostState(b!)).toBe('paused');
  });

  it('adding downloads selects them and clears a filter that would hide them', async () => {
    useTransfers.getState().setFilter({ state: 'failed' });
    const added = await addDownloads(['https://example.org/new.iso']);
    expect(added).toHaveLength(1);
    expect(useTransfers.getState().filter.state).toBe('all');
    expect([...useUi.getState().selected]).toEqual([added![0]!.id]);
  });

  it('remove clears the selection and says what happened', async () => {
    const [a] = useTransfers.getState().order;
    useUi.getState().select(a!, 'only');
    await remove([a!]);
    expect(await hostState(a!)).toBeUndefined();
    expect(useUi.getState().selected.size).toBe(0);
    expect(useUi.getState().toasts.at(-1)?.message).toMatch(/Removed a transfer/);
  });
});
