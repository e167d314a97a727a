// The virtualized transfer list: a grid with one focus stop; arrows move the focused row
// (aria-activedescendant), Shift extends the selection, Space pauses/resumes, Delete removes (with Undo),
// Enter opens details, Shift+F10 or the Menu key opens the context menu.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { dropInQueue, moveInQueue, togglePause } from '../lib/actions';
import type { QueueMove } from '../lib/queue-moves';
import { removeWithUndo } from '../lib/undoable';
import { renderCounts } from '../lib/render-count';
import { useTransfers } from '../store/transfers-store';
import { selectedIds, useUi } from '../store/ui-store';
import { EmptyState } from './EmptyState';
import { ROW_HEIGHT, TransferRow } from './TransferRow';

// The first render guesses the list's height from the window, so it does not render twice.
export function TransferList({ initialHeight = Math.max(200, window.innerHeight - 80) }: { initialHeight?: number }) {
  renderCounts.list++;
  const ids = useTransfers(useShallow((s) => s.visible));
  const loaded = useTransfers((s) => s.loaded);
  const focused = useUi((s) => s.focused);
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    getItemKey: (i) => ids[i] ?? i,
    initialRect: { width: window.innerWidth, height: initialHeight },
  });

  const focusedIndex = focused ? ids.indexOf(focused) : -1;
  // Follow the focus when it moves (keys, a new download selected), not when other rows come and
  // go around it: that would pull the list away from where the user scrolled.
  const followed = useRef<string | null>(null);
  useEffect(() => {
    // A just-added transfer may get focus before its row arrives: follow it once it is there.
    if (focused === followed.current || focusedIndex < 0) return;
    followed.current = focused;
    virtualizer.scrollToIndex(focusedIndex, { align: 'auto' });
  }, [focused, focusedIndex, virtualizer]);

  // Tell the benchmark (and anyone curious) when the first non-empty list has been painted.
  useEffect(() => {
    if (ids.length === 0 || window.__ferryListPainted) return;
    performance.mark('ferry:list-committed');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        window.__ferryListPainted = { at: performance.now(), count: ids.length };
        performance.mark('ferry:list-painted');
      }, 0);
    });
    // An unmounted list (a closed window, a finished test) has nothing left to report.
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ids.length]);

  if (ids.length === 0) return <EmptyState loaded={loaded} />;

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    // A control inside a row handles its own keys (Space/Enter press a button).
    if (e.target !== e.currentTarget && (e.target as HTMLElement).closest('button, input, select, textarea')) return;
    const ui = useUi.getState();
    const at = focusedIndex;
    // Alt with the arrows, Home and End moves the focused transfer in the queue.
    const move: QueueMove | undefined = !e.altKey ? undefined : ({ ArrowUp: 'up', ArrowDown: 'down', Home: 'top', End: 'bottom' } as const)[e.key as 'ArrowUp'];
    if (move) {
      e.preventDefault();
      if (ui.focused) void moveInQueue(ui.focused, move);
      return;
    }
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
    const moveTo = (i: number) => {
      const id = ids[Math.max(0, Math.min(ids.length - 1, i))];
      if (!id) return;
      e.preventDefault();
      if (e.shiftKey) ui.select(id, 'range');
      else if (e.ctrlKey || e.metaKey) ui.setFocused(id);
      else ui.select(id, 'only');
    };
    switch (e.key) {
      case 'ArrowDown':
        return moveTo(at + 1);
      case 'ArrowUp':
        return moveTo(at < 0 ? 0 : at - 1);
      case 'PageDown':
        return moveTo(at + page);
      case 'PageUp':
        return moveTo(at - page);
      case 'Home':
        return moveTo(0);
      case 'End':
        return moveTo(ids.length - 1);
      case ' ':
        e.preventDefault();
        if ((e.ctrlKey || e.metaKey) && ui.focused) return ui.select(ui.focused, 'toggle');
        return togglePause(selectedIds());
      case 'Delete':
      case 'Backspace':
        e.preventDefault();
        return removeWithUndo(selectedIds());
      case 'Enter':
        e.preventDefault();
        if (at < 0 && ids[0]) ui.select(ids[0], 'only');
        return ui.setDetailsOpen(true);
      case 'Escape':
        if (ui.selected.size > 0) {
          e.preventDefault();
          ui.clearSelection();
        }
        return;
      case 'a':
      case 'A':
        if (e.ctrlKey || e.metaKey) {
          e.preventDefault();
          ui.selectAll();
        }
        return;
      case 'ContextMenu':
      case 'F10':
        if (e.key === 'F10' && !e.shiftKey) return;
        e.preventDefault();
        openMenuAtFocused();
        return;
    }
  }

  function openMenuAtFocused() {
    const ui = useUi.getState();
    const id = ui.focused ?? ids[0];
    if (!id) return;
    if (!ui.selected.has(id)) ui.select(id, 'only');
    const rowEl = document.getElementById(`row-${id}`);
    const r = rowEl?.getBoundingClientRect() ?? scrollRef.current!.getBoundingClientRect();
    ui.openMenu(r.left + 48, r.top + r.height / 2);
  }

  const items = virtualizer.getVirtualItems();
  return (
    <div
      ref={scrollRef}
      className="list"
      role="grid"
      aria-label="Transfers"
      aria-multiselectable="true"
      aria-rowcount={ids.length}
      aria-activedescendant={focusedIndex >= 0 ? `row-${focused}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onDragStart={(e) => {
        const row = (e.target as HTMLElement).closest<HTMLElement>('[role="row"]');
        if (!row?.dataset.id) return;
        // Our own type only: the window's drop overlay takes files and links, not this.
        e.dataTransfer.setData(ROW_DRAG_TYPE, row.dataset.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes(ROW_DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        markDrop(dropSpot(e));
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) markDrop(undefined);
      }}
      onDragEnd={() => markDrop(undefined)}
      onDrop={(e) => {
        const id = e.dataTransfer.getData(ROW_DRAG_TYPE);
        const spot = dropSpot(e);
        markDrop(undefined);
        if (!id || !spot) return;
        e.preventDefault();
        void dropInQueue(id, spot.id, spot.after);
      }}
      onFocus={(e) => {
        // Keyboard users land on a row, not on nothing.
        if (e.target === e.currentTarget && focusedIndex < 0 && ids[0]) useUi.getState().setFocused(ids[0]);
      }}
    >
      <div className="list__inner" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const id = ids[item.index];
          return id ? <TransferRow key={id} id={id} index={item.index} top={item.start} /> : null;
        })}
      </div>
    </div>
  );
}

const ROW_DRAG_TYPE = 'application/x-ferry-transfer';

/** The row under the pointer and which half of it: a drop lands before it or after it. */
function dropSpot(e: { target: EventTarget; clientY: number }): { id: string; after: boolean } | undefined {
  const row = (e.target as HTMLElement).closest<HTMLElement>('[role="row"]');
  if (!row?.dataset.id) return undefined;
  const r = row.getBoundingClientRect();
  return { id: row.dataset.id, after: e.clientY > r.top + r.height / 2 };
}

/** The line showing where a drop lands, set on the row's element (no render of the list per pointer move). */
let marked: HTMLElement | undefined;
function markDrop(spot: { id: string; after: boolean } | undefined): void {
  const row = spot ? document.getElementById(`row-${spot.id}`) ?? undefined : undefined;
  if (marked && marked !== row) delete marked.dataset.drop;
  marked = row;
  if (row && spot) row.dataset.drop = spot.after ? 'after' : 'before';
}

declare global {
  interface Window {
    __ferryListPainted?: { at: number; count: number };
  }
}
