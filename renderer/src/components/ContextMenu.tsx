// The row menu: acts on the selection. Arrow keys move, Enter activates, Escape closes and
// hands focus back to the list.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TransferView } from '../../../shared/transfer';
import { canOpenFiles } from '../api/current';
import { canUpdateAddress, canCancel, canPause, canResume, canRetry, copyText, hasFileOnDisk, moveInQueue, openFile, pause, resume, retry, setPriority, showInFolder } from '../lib/actions';
import { cancelWithUndo, removeWithUndo } from '../lib/undoable';
import { useTransfers } from '../store/transfers-store';
import { selectedIds, useUi } from '../store/ui-store';

interface Item {
  label: string;
  run(): void;
  danger?: boolean;
  shortcut?: string;
}

function itemsFor(views: TransferView[]): Item[][] {
  const ids = (f: (v: TransferView) => boolean) => views.filter(f).map((v) => v.id);
  const one = views.length === 1 ? views[0] : undefined;
  const n = views.length > 1 ? ` (${views.length})` : '';
  const groups: Item[][] = [[], [], [], [], []];
  const [primary, single, queue, priority, danger] = groups as [Item[], Item[], Item[], Item[], Item[]];
  if (ids(canPause).length) primary.push({ label: `Pause${n}`, run: () => void pause(ids(canPause)) });
  if (ids(canResume).length) primary.push({ label: `Resume${n}`, run: () => void resume(ids(canResume)) });
  if (ids(canRetry).length) primary.push({ label: `Retry${n}`, run: () => void retry(ids(canRetry)) });
  if (ids(canCancel).length) primary.push({ label: `Cancel${n}`, run: () => cancelWithUndo(ids(canCancel)) });
  if (one) {
    if (canOpenFiles() && one.state === 'completed' && one.kind === 'download') single.push({ label: 'Open', run: () => void openFile(one.id) });
    if (canOpenFiles() && hasFileOnDisk(one)) single.push({ label: 'Show in folder', run: () => void showInFolder(one.id) });
    // Order matters to transfers still waiting to start: queued, or paused until resumed.
    if (one.state === 'queued' || one.state === 'paused') {
      queue.push({ label: 'Move up', run: () => void moveInQueue(one.id, 'up'), shortcut: 'Alt+↑' });
      queue.push({ label: 'Move down', run: () => void moveInQueue(one.id, 'down'), shortcut: 'Alt+↓' });
      queue.push({ label: 'Move to top of queue', run: () => void moveInQueue(one.id, 'top'), shortcut: 'Alt+Home' });
      queue.push({ label: 'Move to bottom of queue', run: () => void moveInQueue(one.id, 'bottom'), shortcut: 'Alt+End' });
    }
    if (canUpdateAddress(one)) single.push({ label: 'Update address…', run: () => useUi.getState().openDialog({ kind: 'address', id: one.id, as: 'address' }) });
    single.push({ label: 'Copy URL', run: () => void copyText(one.url) });
    single.push({ label: 'Details', run: () => useUi.getState().setDetailsOpen(true) });
  } else {
    single.push({ label: `Copy URLs${n}`, run: () => void copyText(views.map((v) => v.url).join('\n')) });
  }
  const waiting = views.filter((v) => v.state === 'queued' || v.state === 'paused' || v.state === 'active');
  for (const [level, label] of [['high', 'High priority'], ['normal', 'Normal priority'], ['low', 'Low priority']] as const) {
    const change = waiting.filter((v) => (v.priority ?? 'normal') !== level).map((v) => v.id);
    if (change.length > 0) priority.push({ label: `${label}${n}`, run: () => void setPriority(change, level) });
  }
  danger.push({ label: `Remove from list${n}`, run: () => removeWithUndo(views.map((v) => v.id)) });
  if (views.some((v) => v.kind === 'download')) danger.push({ label: `Remove and delete files${n}`, danger: true, run: () => removeWithUndo(views.map((v) => v.id), true) });
  return groups.filter((g) => g.length > 0);
}

export function ContextMenu() {
  const menu = useUi((s) => s.menu);
  if (!menu) return null;
  return <MenuBody x={menu.x} y={menu.y} />;
}

function MenuBody({ x, y }: { x: number; y: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState({ left: x, top: y });
  const byId = useTransfers.getState().byId;
  const views = selectedIds()
    .map((id) => byId.get(id))
    .filter((v): v is TransferView => !!v);
  const groups = itemsFor(views);

  const close = () => {
    useUi.getState().closeMenu();
    (document.querySelector('[role="grid"]') as HTMLElement | null)?.focus();
  };

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({ left: Math.min(x, window.innerWidth - r.width - 8), top: Math.min(y, window.innerHeight - r.height - 8) });
    el.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [x, y]);

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) useUi.getState().closeMenu();
    };
    const onBlur = () => useUi.getState().closeMenu();
    window.addEventListener('mousedown', onDown, true);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('blur', onBlur);
    };
  }, []);

  if (views.length === 0) return null;

  return (
    <div
      ref={ref}
      className="menu"
      role="menu"
      aria-label={views.length === 1 ? `Actions for ${views[0]!.name}` : `Actions for ${views.length} transfers`}
      style={{ left: pos.left, top: pos.top }}
      onKeyDown={(e) => {
        const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
        const i = items.indexOf(document.activeElement as HTMLElement);
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault();
          const next = (i + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
          items[next]?.focus();
        } else if (e.key === 'Home' || e.key === 'End') {
          e.preventDefault();
          items[e.key === 'Home' ? 0 : items.length - 1]?.focus();
        } else if (e.key === 'Escape' || e.key === 'Tab') {
          e.preventDefault();
          close();
        }
      }}
    >
      {groups.map((g, gi) => (
        <div key={gi} className="menu__group" role="group">
          {g.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={`menu__item${item.danger ? ' menu__item--danger' : ''}`}
              onMouseEnter={(e) => e.currentTarget.focus()}
              onClick={() => {
                close();
                item.run();
              }}
            >
              {item.label}
              {item.shortcut && (
                <kbd className="menu__shortcut" aria-hidden="true">
                  {item.shortcut}
                </kbd>
              )}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
