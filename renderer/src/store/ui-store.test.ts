import { beforeEach, describe, expect, it } from 'vitest';
import { snapshot, view } from '../test/views';
import { useTransfers } from './transfers-store';
import { selectedIds, useUi } from './ui-store';

beforeEach(() => {
  useTransfers.getState().setFilter({ state: 'all', kind: 'all', search: '' });
  useTransfers.getState().applySnapshot(snapshot(['a', 'b', 'c', 'd', 'e'].map((id) => view(id, id === 'c' ? 'failed' : 'queued'))));
  useUi.setState({ selected: new Set(), anchor: null, focused: null });
});

const sel = () => [...useUi.getState().selected].sort();

describe('selection', () => {
  it('click selects one, Ctrl toggles, Shift extends from the anchor in list order', () => {
    const ui = useUi.getState();
    ui.select('b', 'only');
    expect(sel()).toEqual(['b']);
    ui.select('d', 'toggle');
    expect(sel()).toEqual(['b', 'd']);
    ui.select('d', 'toggle');
    expect(sel()).toEqual(['b']);
    ui.select('b', 'only');
    ui.select('e', 'range');
    expect(sel()).toEqual(['b', 'c', 'd', 'e']);
    ui.select('a', 'range');
    expect(sel()).toEqual(['a', 'b']);
    expect(useUi.getState().focused).toBe('a');
  });

  it('range and select-all follow the filtered list', () => {
    useTransfers.getState().setFilter({ state: 'failed' });
    useUi.getState().selectAll();
    expect(sel()).toEqual(['c']);
  });

  it('selectedIds: in queue order, without removed ones, else the focused one', () => {
    const ui = useUi.getState();
    ui.select('d', 'only');
    ui.select('a', 'toggle');
    expect(selectedIds()).toEqual(['a', 'd']);
    useTransfers.getState().applyPatches([{ id: 'a', removed: true }]);
    expect(selectedIds()).toEqual(['d']);
    ui.clearSelection();
    useUi.setState({ focused: 'e' });
    expect(selectedIds()).toEqual(['e']);
  });
});
