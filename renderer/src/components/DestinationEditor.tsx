// Add or edit one upload destination. Secret header values arrive masked; leaving a secret
// field empty sends the mask back, which the host reads as "keep the stored value" — only while
// the URL keeps its scheme and origin; for a new address the editor asks for the secrets again.
import { useState } from 'react';
import type { Destination, DestinationInput } from '../../../shared/settings';
import { SECRET_MASK, sameOrigin } from '../../../shared/secret-mask';
import { uploadTargetUrl } from '../../../shared/upload-target';
import { transport } from '../api/current';
import { useTransfers } from '../store/transfers-store';
import { Icon } from './icons';

interface HeaderDraft {
  name: string;
  value: string;
  secret: boolean;
  /** A stored secret the user has not retyped. */
  kept: boolean;
}

interface EditorProps {
  initial: Destination | null;
  /** Back, or saved (then with the saved destination). */
  onDone(saved?: Destination): void;
  /** A file name for the preview of where a file goes (the files waiting for this destination). */
  exampleName?: string;
  /** The label of the back button ("Back", "Cancel"). */
  backLabel?: string;
}

export function DestinationEditor({ initial, onDone, exampleName = 'report.pdf', backLabel = 'Back' }: EditorProps) {
  const [name, setName] = useState(initial?.name ?? '');
  const [url, setUrl] = useState(initial?.url ?? 'https://');
  const [protocol, setProtocol] = useState<Destination['protocol']>(initial?.protocol ?? 'raw');
  const [method, setMethod] = useState<Destination['method']>(initial?.method ?? 'PUT');
  const [fieldName, setFieldName] = useState(initial?.fieldName ?? 'file');
  const [headers, setHeaders] = useState<HeaderDraft[]>(
    initial?.headers.map((h) => ({ name: h.name, value: h.secret ? '' : h.value, secret: h.secret, kept: h.secret })) ?? [],
  );
  const [error, setError] = useState<string | null>(null);

  // Saved secrets stay with the address they were saved for (the host refuses them elsewhere too).
  const originChanged = initial !== null && !sameOrigin(initial.url, url.trim());
  const mustRetype = headers.filter((h) => h.secret && h.kept && h.value === '' && h.name.trim());
  const setHeader = (i: number, patch: Partial<HeaderDraft>) => setHeaders(headers.map((h, j) => (j === i ? { ...h, ...patch } : h)));

  async function save() {
    const input: DestinationInput = {
      name: name.trim(),
      url: url.trim(),
      protocol,
      method: protocol === 'tus' ? 'POST' : method,
      fieldName: fieldName.trim() || 'file',
      fields: initial?.fields ?? {},
      headers: headers
        .filter((h) => h.name.trim())
        .map((h) => ({ name: h.name.trim(), secret: h.secret, value: h.secret && h.kept && h.value === '' ? SECRET_MASK : h.value })),
    };
    if (!input.name) return setError('Give the destination a name.');
    if (!/^https?:\/\/[^/]+/i.test(input.url)) return setError('The URL must start with http:// or https://.');
    if (originChanged && mustRetype.length > 0) {
      return setError(`The URL points to a new address: type the value of ${mustRetype.map((h) => h.name.trim()).join(', ')} again.`);
    }
    const api = transport().api;
    const r = initial ? await api.updateDestination({ id: initial.id, destination: input }) : await api.createDestination(input);
    if (!r.ok) return setError(r.error.message);
    const list = useTransfers.getState().destinations;
    useTransfers.getState().setDestinations(initial ? list.map((d) => (d.id === r.value.id ? r.value : d)) : [...list.filter((d) => d.id !== r.value.id), r.value]);
    onDone(r.value);
  }

  const preview = targetPreview(url.trim(), exampleName, protocol);

  return (
    <div className="dest-editor" role="group" aria-label={initial ? `Edit ${initial.name}` : 'New destination'}>
      <h3>{initial ? `Edit “${initial.name}”` : 'New destination'}</h3>
      <label className="field">
        <span className="field__label">Name</span>
        <input className="input" autoFocus value={name} onChange={(e) => setName(e.target.value)} placeholder="Team WebDAV" />
      </label>
      <div className="field">
        <label className="field__label" htmlFor="dest-url">
          URL
        </label>
        <input id="dest-url" className="input input--mono" aria-describedby="dest-url-help" value={url} onChange={(e) => setUrl(e.target.value)} spellCheck={false} />
        <span className="field__help" id="dest-url-help">
          <code>{'{filename}'}</code> is replaced by the file's name, e.g. <code>{'https://dav.example.com/in/{filename}'}</code>; for a raw upload, a URL ending in <code>/</code> gets the name appended.
        </span>
        {preview && (
          <span className="field__help dest-preview" role="status" aria-label="Where a file goes">
            {preview.text} <code>{preview.url}</code>
            {preview.warn && <span className="field__help--warn"> {preview.warn}</span>}
          </span>
        )}
        {originChanged && mustRetype.length > 0 && (
          <span className="field__help field__help--warn" role="status">
            Saved secrets are only sent to the address they were saved for: type them again for the new one.
          </span>
        )}
      </div>
      <div className="field-row">
        <label className="field field--protocol">
          <span className="field__label">Protocol</span>
          <select className="input" value={protocol} onChange={(e) => setProtocol(e.target.value as Destination['protocol'])}>
            <option value="raw">Raw body (WebDAV, S3-style PUT)</option>
            <option value="multipart">Form upload (multipart)</option>
            <option value="tus">tus (resumable)</option>
          </select>
        </label>
        <label className="field">
          <span className="field__label">Method</span>
          <select className="input" value={protocol === 'tus' ? 'POST' : method} disabled={protocol === 'tus'} onChange={(e) => setMethod(e.target.value as Destination['method'])}>
            <option value="PUT">PUT</option>
            <option value="POST">POST</option>
          </select>
        </label>
        {protocol === 'multipart' && (
          <label className="field">
            <span className="field__label">File field name</span>
            <input className="input" value={fieldName} onChange={(e) => setFieldName(e.target.value)} />
          </label>
        )}
      </div>
      <fieldset className="group">
        <legend>Headers</legend>
        {headers.map((h, i) => (
          <div className="header-row" key={i}>
            <input className="input" aria-label={`Header ${i + 1} name`} placeholder="Authorization" value={h.name} onChange={(e) => setHeader(i, { name: e.target.value })} />
            <input
              className="input input--mono"
              aria-label={`Header ${i + 1} value`}
              type={h.secret ? 'password' : 'text'}
              autoComplete="off"
              placeholder={h.kept ? (originChanged ? 'Type again for the new address' : 'Saved — leave empty to keep') : 'Value'}
              aria-invalid={originChanged && h.secret && h.kept && h.value === '' ? true : undefined}
              value={h.value}
              onChange={(e) => setHeader(i, { value: e.target.value })}
            />
            <label className="check check--compact">
              <input type="checkbox" checked={h.secret} onChange={(e) => setHeader(i, { secret: e.target.checked, kept: e.target.checked && h.kept })} />
              <span>Secret</span>
            </label>
            <button type="button" className="icon-btn" aria-label={`Remove header ${i + 1}`} onClick={() => setHeaders(headers.filter((_, j) => j !== i))}>
              <Icon name="trash" size={14} />
            </button>
          </div>
        ))}
        <button type="button" className="btn btn--small" onClick={() => setHeaders([...headers, { name: '', value: '', secret: false, kept: false }])}>
          <Icon name="plus" size={14} /> Add header
        </button>
      </fieldset>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dest-editor__actions">
        <button type="button" className="btn" onClick={() => onDone()}>
          {backLabel}
        </button>
        <button type="button" className="btn btn--primary" onClick={() => void save()}>
          {initial ? 'Save destination' : 'Create destination'}
        </button>
      </div>
    </div>
  );
}

/** What the editor says under the URL: where a file named `name` would go, and a warning when every file would go to one URL. */
function targetPreview(url: string, name: string, protocol: Destination['protocol']): { text: string; url: string; warn?: string } | null {
  if (!/^https?:\/\/[^/]+/i.test(url)) return null;
  const target = uploadTargetUrl(url, name, protocol);
  if (protocol === 'tus') return { text: `Files are created at the tus endpoint`, url: target };
  if (protocol === 'multipart') return { text: `“${name}” is posted as a form to`, url: target };
  if (target === url && !url.includes('{filename}')) {
    return { text: `“${name}” goes to`, url: target, warn: 'Every file goes to this same URL: end it with / or use {filename} to keep their names.' };
  }
  return { text: `“${name}” goes to`, url: target };
}
