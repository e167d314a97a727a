// Drag and drop anywhere in the window: files open the upload sheet, links start downloads.
// While dragging, an overlay says which of the two will happen.
import { useEffect, useState } from 'react';
import { addDownloads } from '../lib/actions';
import { extractUrls } from '../lib/format';
import { useUi } from '../store/ui-store';
import { Icon } from './icons';

type DragKind = 'files' | 'links' | null;

function kindOf(dt: DataTransfer | null): DragKind {
  if (!dt) return null;
  const types = Array.from(dt.types);
  if (types.includes('Files')) return 'files';
  if (types.includes('text/uri-list') || types.includes('text/plain')) return 'links';
  return null;
}

export async function handleDrop(dt: DataTransfer): Promise<void> {
  const files = Array.from(dt.files ?? []);
  if (files.length > 0) {
    useUi.getState().openUpload({ files });
    return;
  }
  const text = `${dt.getData('text/uri-list')}\n${dt.getData('text/plain')}`;
  const urls = extractUrls(text);
  if (urls.length === 0) {
    useUi.getState().toast('No http:// or https:// links in what was dropped.', 'warn');
    return;
  }
  const added = await addDownloads(urls);
  if (added) useUi.getState().toast(`Started ${added.length} download${added.length === 1 ? '' : 's'}`);
}

export function DropOverlay() {
  const [kind, setKind] = useState<DragKind>(null);
  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      const k = kindOf(e.dataTransfer);
      if (!k) return;
      e.preventDefault();
      depth++;
      setKind(k);
    };
    const over = (e: DragEvent) => {
      if (!kindOf(e.dataTransfer)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setKind(null);
    };
    const drop = (e: DragEvent) => {
      depth = 0;
      setKind(null);
      if (!e.dataTransfer || !kindOf(e.dataTransfer)) return;
      // Let text fields take dropped text; everything else is ours.
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'TEXTAREA' || t.tagName === 'INPUT') && !e.dataTransfer.types.includes('Files')) return;
      e.preventDefault();
      void handleDrop(e.dataTransfer);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  if (!kind) return null;
  return (
    <div className="drop" role="status" aria-live="polite">
      <div className="drop__card">
        <div className="drop__icon">
          <Icon name={kind === 'files' ? 'upload' : 'download'} size={36} />
        </div>
        <p className="drop__title">{kind === 'files' ? 'Drop files to upload' : 'Drop links to download'}</p>
        <p className="drop__hint">{kind === 'files' ? 'You will choose the destination next.' : 'Every http:// or https:// link starts a download into your download folder.'}</p>
      </div>
    </div>
  );
}
