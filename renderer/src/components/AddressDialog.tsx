// "Update address…" (a link that expired: the download goes on from a new one, keeping its bytes
// when the new link serves the same file) and "Add mirror…" (one more URL of the same file; the
// download spreads its connections over them). The host compares and decides; this asks for the URL.
import { useState } from 'react';
import { setDownloadAddress } from '../lib/actions';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { Modal } from './Modal';

export function AddressDialog({ id, as }: { id: string; as: 'address' | 'mirror' }) {
  const v = useTransfers((s) => s.byId.get(id));
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => useUi.getState().closeDialog();
  const trimmed = url.trim();
  async function submit() {
    if (!trimmed || busy) return;
    setBusy(true);
    const problem = await setDownloadAddress(id, trimmed, as);
    setBusy(false);
    if (problem) setError(problem);
    else close();
  }
  const address = as === 'address';
  return (
    <Modal
      title={address ? 'Update address' : 'Add mirror'}
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy || !trimmed}>
            {address ? 'Continue from it' : 'Add mirror'}
          </button>
        </>
      }
    >
      {v && <p className="modal__lead">{v.name}</p>}
      <label className="field">
        <span className="field__label">{address ? 'New address' : 'Another URL of the same file'}</span>
        <input
          className="input input--mono"
          data-autofocus
          spellCheck={false}
          placeholder="https://…"
          value={url}
          aria-invalid={error !== null}
          onChange={(e) => (setUrl(e.target.value), setError(null))}
        />
        <span className="field__help">
          {address
            ? 'For a link that expired. The bytes already downloaded are kept if the new link serves the same file (same size, same bytes); otherwise the download starts over and its log says why.'
            : 'Connections spread over every URL by their speed. A URL that fails or serves another file is dropped for this download, with a line in its log.'}
        </span>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
