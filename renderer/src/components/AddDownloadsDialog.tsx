import { useState } from 'react';
import { transport } from '../api/current';
import { addDownloads } from '../lib/actions';
import { readLinks } from '../lib/links';
import { useUi } from '../store/ui-store';
import { FolderInput, useFolderChoice } from './FolderInput';
import { Modal } from './Modal';
import { ProxyFields, proxyProblem } from './ProxyFields';
import type { ProxyChoice } from '../../../shared/proxy';
import { RuleLine } from './RuleLine';
import { parseRate } from '../../../shared/schedule/bwlimit';
import type { TransferPriority } from '../../../shared/transfer';
import { PrioritySelect } from './PrioritySelect';
import { StreamQuality } from './StreamQuality';

export function AddDownloadsDialog({ initialUrls }: { initialUrls?: string[] }) {
  const [text, setText] = useState(initialUrls?.join('\n') ?? '');
  const folder = useFolderChoice();
  const [sha256, setSha256] = useState('');
  const [proxy, setProxy] = useState<ProxyChoice | undefined>(undefined);
  const [limitText, setLimitText] = useState('');
  const [priority, setPriority] = useState<TransferPriority>('normal');
  // The variant picked for one link; it does not carry over to another link.
  const [picked, setPicked] = useState<{ url: string; variant: string } | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => useUi.getState().closeDialog();

  const { urls, unreadable } = readLinks(text);
  const shaOk = sha256.trim() === '' || /^[0-9a-fA-F]{64}$/.test(sha256.trim());
  // The same rates as the timetable: 500K, 2M, 1.5M (KiB/s without a unit); empty for none.
  const limit = limitText.trim() === '' ? ({ ok: true, value: null } as const) : parseRate(limitText);
  const single = urls.length === 1 ? urls[0] : undefined;
  const variant = single !== undefined && picked?.url === single ? picked.variant : 'best';

  async function submit() {
    if (urls.length === 0) return setError('Enter at least one http:// or https:// link.');
    if (!shaOk) return setError('A SHA-256 is 64 hexadecimal characters.');
    if (sha256.trim() && urls.length > 1) return setError('A SHA-256 can only be checked for a single link.');
    const proxyError = proxyProblem(proxy);
    if (proxyError) return setError(proxyError);
    if (!limit.ok) return setError(`Speed limit: ${limit.error}`);
    setBusy(true);
    setError(null);
    folder.clearError();
    const added = await addDownloads(urls, folder.folder || undefined, sha256.trim() || undefined, proxy, (e) => {
      if (!folder.takeError(e)) setError(e.message);
    }, { ...(limit.value !== null ? { bytesPerSecond: limit.value } : {}), ...(priority !== 'normal' ? { priority } : {}), ...(variant !== 'best' ? { stream: { variant } } : {}) });
    setBusy(false);
    if (added) close();
  }

  return (
    <Modal
      title="Add downloads"
      onClose={close}
      onSubmit={() => void submit()}
      footer={
        <>
          <span className="modal__hint">{urls.length === 0 ? 'One link per line' : `${urls.length} link${urls.length === 1 ? '' : 's'} found`}</span>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy || urls.length === 0}>
            {urls.length > 1 ? `Download ${urls.length}` : 'Download'}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field__label">Links</span>
        <textarea
          className="input input--mono"
          rows={6}
          wrap="off"
          spellCheck={false}
          data-autofocus
          placeholder={'https://example.com/file.zip\nhttps://example.org/another.iso'}
          value={text}
          aria-describedby={unreadable.length > 0 ? 'add-unreadable' : undefined}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void submit();
            }
          }}
        />
      </label>
      {unreadable.length > 0 && (
        <div className="field__help field__help--warn" id="add-unreadable" role="status">
          {unreadable.length === 1 ? 'This line is not a link Ferry can read; it will be skipped:' : `These ${unreadable.length} lines are not links Ferry can read; they will be skipped:`}
          <ul className="unreadable" aria-label="Lines not read">
            {unreadable.slice(0, 5).map((line, i) => (
              <li key={i}>
                <code>{line.length > 80 ? `${line.slice(0, 79)}…` : line}</code>
              </li>
            ))}
            {unreadable.length > 5 && <li>and {unreadable.length - 5} more</li>}
          </ul>
        </div>
      )}
      <StreamQuality url={single} value={variant} onChange={(chosen) => single !== undefined && setPicked({ url: single, variant: chosen })} />
      <FolderInput
        id="add-folder"
        {...folder.field}
        help={(defaultFolder) => (
          <>
            {transport().nativeDialogs ? 'Unless you choose one, downloads go where their rule says, else to' : 'Leave empty for the folder of their rule, else'} {defaultFolder}.
            {!transport().nativeDialogs && <> <code>~</code> is your home folder on the machine Ferry runs on.</>}
          </>
        )}
      >
        <RuleLine urls={urls} directory={folder.folder} onOverride={folder.set} />
      </FolderInput>
      <label className="field">
        <span className="field__label">SHA-256 (optional)</span>
        <input className="input input--mono" aria-invalid={!shaOk} spellCheck={false} placeholder="64 hex characters, checked when the download ends" value={sha256} onChange={(e) => setSha256(e.target.value)} />
      </label>
      <div className="field-row">
        <label className="field">
          <span className="field__label">Speed limit (each)</span>
          <input className="input" aria-invalid={!limit.ok} spellCheck={false} placeholder="No own limit, e.g. 500K or 2M" value={limitText} onChange={(e) => setLimitText(e.target.value)} />
        </label>
        <label className="field">
          <span className="field__label">Priority</span>
          <PrioritySelect value={priority} onChange={setPriority} />
        </label>
      </div>
      <div className="field">
        <span className="field__label">Proxy</span>
        <ProxyFields value={proxy} onChange={setProxy} perTransfer />
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
