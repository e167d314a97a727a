// Window-wide shortcuts: Ctrl/Cmd+N add downloads, Ctrl/Cmd+, settings, Ctrl/Cmd+F search, "?" or
// F1 the list of shortcuts, and pasting text with links (outside text fields) opens the add dialog with them.
import { useEffect } from 'react';
import { extractUrls } from '../lib/format';
import { useUi } from '../store/ui-store';

function typingIn(el: EventTarget | null): boolean {
  const t = el as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const ui = useUi.getState();
      if ((e.key === 'F1' || (e.key === '?' && !mod && !typingIn(e.target))) && !e.altKey && ui.dialog?.kind !== 'shortcuts') {
        e.preventDefault();
        ui.openDialog({ kind: 'shortcuts' });
        return;
      }
      if (!mod || e.altKey) return;
      if (ui.dialog) return;
      const key = e.key.toLowerCase();
      if (key === 'n') {
        e.preventDefault();
        ui.openAdd();
      } else if (key === ',') {
        e.preventDefault();
        ui.openDialog({ kind: 'settings' });
      } else if (key === 'f') {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      if (typingIn(e.target) || useUi.getState().dialog) return;
      const urls = extractUrls(e.clipboardData?.getData('text') ?? '');
      if (urls.length === 0) return;
      e.preventDefault();
      useUi.getState().openAdd(urls);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('paste', onPaste);
    };
  }, []);
}
