// View state that is not the host's: selection, focus, open dialogs, the context menu, toasts.
import { create } from 'zustand';
import type { ChosenFile } from '../../../shared/contract';
import { useTransfers } from './transfers-store';

export type Dialog =
  | { kind: 'add'; urls?: string[] }
  | { kind: 'upload'; files?: File[]; chosen?: ChosenFile[] }
  | { kind: 'settings'; tab?: SettingsTab }
  | { kind: 'shortcuts' }
  | { kind: 'address'; id: string; as: 'address' | 'mirror' }
  /** A list of links read from a file the user picked (the text, never a path). */
  | { kind: 'import'; fileName: string; text: string };
export type SettingsTab = 'general' | 'transfers' | 'rules' | 'schedule' | 'network' | 'destinations' | 'rpc';

export interface Toast {
  id: number;
  message: string;
  level: 'info' | 'warn' | 'error';
  /** A button in the notice (Undo). */
  action?: { label: string; run(): void };
}

export interface ToastOptions {
  action?: Toast['action'];
  /** How long the notice stays; default 4 s, errors 8 s. */
  durationMs?: number;
}

/** What the user asked for and may still undo: the host hears of it once the notice's time is up. */
export type PendingAction = 'cancel' | 'remove' | 'delete';

export type SelectMode = 'only' | 'toggle' | 'range';

interface UiState {
  selected: ReadonlySet<string>;
  anchor: string | null;
  focused: string | null;
  detailsOpen: boolean;
  dialog: Dialog | null;
  menu: { x: number; y: number } | null;
  toasts: Toast[];
  /** Transfers with an undoable cancel or removal on its way (see lib/undoable.ts). */
  pending: ReadonlyMap<string, PendingAction>;
  select(id: string, mode: SelectMode): void;
  selectAll(): void;
  clearSelection(): void;
  setFocused(id: string | null): void;
  setDetailsOpen(open: boolean): void;
  openDialog(d: Dialog): void;
  openAdd(urls?: string[]): void;
  openUpload(from: { files?: File[]; chosen?: ChosenFile[] }): void;
  closeDialog(): void;
  openMenu(x: number, y: number): void;
  closeMenu(): void;
  toast(message: string, level?: Toast['level'], options?: ToastOptions): number;
  dismissToast(id: number): void;
  setPending(ids: readonly string[], action: PendingAction | null): void;
}

let toastSeq = 1;

export const useUi = create<UiState>()((set, get) => ({
  selected: new Set(),
  anchor: null,
  focused: null,
  detailsOpen: false,
  dialog: null,
  menu: null,
  toasts: [],
  pending: new Map(),

  select(id, mode) {
    const { selected, anchor } = get();
    if (mode === 'only') return set({ selected: new Set([id]), anchor: id, focused: id });
    if (mode === 'toggle') {
      const next = new Set(selected);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return set({ selected: next, anchor: id, focused: id });
    }
    const visible = useTransfers.getState().visible;
    const from = anchor ? visible.indexOf(anchor) : -1;
    const to = visible.indexOf(id);
    if (from < 0 || to < 0) return set({ selected: new Set([id]), anchor: id, focused: id });
    const [a, b] = from < to ? [from, to] : [to, from];
    set({ selected: new Set(visible.slice(a, b + 1)), focused: id });
  },
  selectAll() {
    const visible = useTransfers.getState().visible;
    set({ selected: new Set(visible) });
  },
  clearSelection() {
    set({ selected: new Set(), anchor: null });
  },
  setFocused(focused) {
    set({ focused });
  },
  setDetailsOpen(detailsOpen) {
    set({ detailsOpen });
  },
  openDialog(dialog) {
    set({ dialog, menu: null });
  },
  openAdd(urls) {
    set({ dialog: urls ? { kind: 'add', urls } : { kind: 'add' }, menu: null });
  },
  openUpload(from) {
    set({ dialog: { kind: 'upload', ...from }, menu: null });
  },
  closeDialog() {
    set({ dialog: null });
  },
  openMenu(x, y) {
    set({ menu: { x, y } });
  },
  closeMenu() {
    set({ menu: null });
  },
  toast(message, level = 'info', options = {}) {
    const id = toastSeq++;
    const toast: Toast = { id, message, level, ...(options.action ? { action: options.action } : {}) };
    set({ toasts: [...get().toasts.slice(-3), toast] });
    setTimeout(() => get().dismissToast(id), options.durationMs ?? (level === 'error' ? 8000 : 4000));
    return id;
  },
  dismissToast(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  setPending(ids, action) {
    const pending = new Map(get().pending);
    for (const id of ids) {
      if (action) pending.set(id, action);
      else pending.delete(id);
    }
    set({ pending });
    // Rows on their way out of the list leave it now; Undo brings them back.
    useTransfers.getState().setHidden(new Set([...pending].filter(([, a]) => a !== 'cancel').map(([id]) => id)));
  },
}));

/** Selected ids that still exist, in list order; the focused one when nothing is selected. */
export function selectedIds(): string[] {
  const { selected, focused } = useUi.getState();
  const { byId, order } = useTransfers.getState();
  if (selected.size === 0) return focused && byId.has(focused) ? [focused] : [];
  return order.filter((id) => selected.has(id));
}
