import { useRef, useState } from 'react';
import type { ChosenFile } from '../../../shared/contract';
import { transport } from '../api/current';
import { uploadFiles } from '../lib/actions';
import { formatBytes } from '../lib/format';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { Icon } from './icons';
import { DestinationEditor } from './DestinationEditor';
import { Modal } from './Modal';

export function UploadDialog({ initialFiles, initialChosen }: { initialFiles?: File[]; initialChosen?: ChosenFile[] }) {
  const destinations = useTransfers((s) => s.destinations);
  const [files, setFiles] = useState<File[]>(initialFiles ?? []);
  // Files the host's own dialog (or launch hand-off) chose: the page holds their handles only.
  const [chosen, setChosen] = useState<ChosenFile[]>(initialChosen ?? []);
  const [destinationId, setDestinationId] = useState(destinations[0]?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const close = () => useUi.getState().closeDialog();
  const count = files.length + chosen.length;

  async function chooseFiles() {
    const t = transport();
    if (!t.nativeDialogs) return input.current?.click();
    const r = await t.api.chooseUploadFiles();
    if (!r.ok) return setError(r.error.message);
    setChosen((prev) => [...prev, ...r.value]);
  }

  async function submit() {
    if (!destinationId) return setError('Choose where to upload to.');
    if (count === 0) return setError('Choose at least one file.');
    setBusy(true);
    setError(null);
    const problem = await uploadFiles(files, chosen, destinationId);
    setBusy(false);
    if (problem) setError(problem);
    else close();
  }

  if (destinations.length === 0) {
    // No destination yet: set one up right here; the files wait and go there once it is saved.
    const waiting = [...files.map((f) => f.name), ...chosen.map((c) => c.name)];
    return (
      <Modal title="Upload files" onClose={close} wide>
        <div className="notice-box">
          <Icon name="info" size={20} />
          <p>
            <strong>{waiting.length > 0 ? `Where should ${waiting.length === 1 ? `“${waiting[0]}”` : `these ${waiting.length} files`} go?` : 'No upload destination yet.'}</strong> A destination is a server that accepts files: a
            WebDAV folder, an HTTP endpoint that takes PUT or a form POST, or a tus server.{waiting.length > 0 && ' The files are sent as soon as you create it.'}
          </p>
        </div>
        {waiting.length > 0 && (
          <ul className="file-list" aria-label="Files waiting for a destination">
            {waiting.map((name, i) => (
              <li key={`${name}-${i}`}>
                <span className="file-list__name">{name}</span>
              </li>
            ))}
          </ul>
        )}
        <DestinationEditor
          initial={null}
          backLabel="Cancel"
          {...(waiting[0] ? { exampleName: waiting[0] } : {})}
          onDone={(saved) => {
            if (!saved) return close();
            setDestinationId(saved.id);
            if (count === 0) return;
            void (async () => {
              setBusy(true);
              const problem = await uploadFiles(files, chosen, saved.id);
              setBusy(false);
              if (problem) setError(problem);
              else close();
            })();
          }}
        />
        {busy && <p className="modal__hint">Sending…</p>}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </Modal>
    );
  }

  return (
    <Modal
      title="Upload files"
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <>
          <span className="modal__hint">{count === 0 ? 'No files chosen' : `${count} file${count === 1 ? '' : 's'}`}</span>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy || count === 0}>
            {busy ? 'Sending…' : count > 1 ? `Upload ${count}` : 'Upload'}
          </button>
        </>
      }
    >
      <div className="field">
        <span className="field__label">Files</span>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          aria-label="Files to upload"
          onChange={(e) => setFiles((prev) => [...prev, ...Array.from(e.target.files ?? [])])}
        />
        <ul className="file-list" aria-label="Chosen files">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              <span className="file-list__name">{f.name}</span>
              <span className="file-list__size">{formatBytes(f.size)}</span>
              <button type="button" className="icon-btn" aria-label={`Remove ${f.name}`} onClick={() => setFiles(files.filter((_, j) => j !== i))}>
                <Icon name="x" size={14} />
              </button>
            </li>
          ))}
          {chosen.map((c) => (
            <li key={c.handle}>
              <span className="file-list__name">{c.name}</span>
              <span className="file-list__size">{formatBytes(c.size)}</span>
              <button type="button" className="icon-btn" aria-label={`Remove ${c.name}`} onClick={() => setChosen(chosen.filter((x) => x.handle !== c.handle))}>
                <Icon name="x" size={14} />
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="btn" onClick={() => void chooseFiles()} data-autofocus={count === 0 ? '' : undefined}>
          <Icon name="plus" /> Choose files…
        </button>
      </div>
      <label className="field">
        <span className="field__label">Destination</span>
        <select className="input" data-autofocus={count > 0 ? '' : undefined} value={destinationId} onChange={(e) => setDestinationId(e.target.value)}>
          {destinations.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} — {d.protocol === 'tus' ? 'tus' : `${d.method} ${d.protocol}`}
            </option>
          ))}
        </select>
      </label>
      <p className="field__help">Ferry uploads a safe copy, so you can keep editing or moving the original.</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
