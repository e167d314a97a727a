// "Import links…": a preview of the picked file (how many links, which lines Ferry cannot read),
// a folder, then one importLinks call; the result is said in a toast.
import { useMemo, useState } from 'react';
import { previewInputFile } from '../../../shared/input-file';
import { transport } from '../api/current';
import { countOf } from '../lib/link-lists';
import { useUi } from '../store/ui-store';
import { FolderInput, useFolderChoice } from './FolderInput';
import { Modal } from './Modal';

export function ImportLinksDialog({ fileName, text }: { fileName: string; text: string }) {
  const preview = useMemo(() => previewInputFile(text), [text]);
  const folder = useFolderChoice();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => useUi.getState().closeDialog();
  const { links, unreadable } = preview;

  async function submit() {
    if (links === 0) return;
    setBusy(true);
    setError(null);
    folder.clearError();
    const reply = await transport()
      .api.importLinks({ text, ...(folder.folder ? { directory: folder.folder } : {}) })
      .catch((e: unknown) => ({ ok: false as const, error: { code: 'FAILED' as const, message: (e as Error).message } }));
    setBusy(false);
    if (!reply.ok) {
      if (!folder.takeError(reply.error)) setError(reply.error.message);
      return;
    }
    const { ids, skipped, problems, notes } = reply.value;
    const parts = [`Added ${ids.length.toLocaleString('en')}`];
    if (skipped > 0) parts.push(`skipped ${skipped.toLocaleString('en')} already listed`);
    if (problems.length > 0) parts.push(`${countOf(problems.length, 'line')} not added`);
    const ui = useUi.getState();
    ui.toast(parts.join(' · '), problems.length > 0 ? 'warn' : 'info');
    if (problems.length > 0) ui.toast(`Line ${problems[0]!.line}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, 'warn');
    for (const note of notes.slice(0, 3)) ui.toast(note, 'info');
    close();
  }

  return (
    <Modal
      title="Import links"
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <>
          <span className="modal__hint">{fileName}</span>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy || links === 0} data-autofocus>
            {busy ? 'Adding…' : links === 1 ? 'Add 1 link' : `Add ${links.toLocaleString('en')} links`}
          </button>
        </>
      }
    >
      <p className="import-summary" role="status">
        {links === 0 ? 'No links Ferry can download in this file.' : `${countOf(links, 'link')} found`}
        {unreadable.length > 0 && <> · {countOf(unreadable.length, 'line')} it could not read</>}
        . Links already in the list are skipped.
      </p>
      {unreadable.length > 0 && (
        <div className="field__help field__help--warn">
          {unreadable.length === 1 ? 'This line will be skipped:' : 'These lines will be skipped:'}
          <ul className="unreadable" aria-label="Lines not read">
            {unreadable.slice(0, 5).map((problem) => (
              <li key={problem.line}>
                Line {problem.line}: {problem.message.length > 100 ? `${problem.message.slice(0, 99)}…` : problem.message}
              </li>
            ))}
            {unreadable.length > 5 && <li>and {unreadable.length - 5} more</li>}
          </ul>
        </div>
      )}
      <FolderInput
        id="import-folder"
        {...folder.field}
        help={(defaultFolder) => (
          <>
            {transport().nativeDialogs ? 'Folders named in the file are not used: links go to' : 'Folders named in the file (dir=) are used; the others go to'} {folder.folder ? 'the folder above' : defaultFolder}.
          </>
        )}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
