import { useEffect, useState, type ReactNode } from 'react';
import type { ProxyChoice } from '../../../shared/proxy';
import { isFinished, type TransferView, type UploadDetails } from '../../../shared/transfer';
import { canOpenFiles } from '../api/current';
import { canAddMirror, canUpdateAddress, canCancel, canPause, canResume, canRetry, copyText, hasFileOnDisk, openFile, pause, resume, retry, setOwnLimit, setOwnProxy, setPriority, showInFolder } from '../lib/actions';
import { parseRate } from '../../../shared/schedule/bwlimit';
import { PrioritySelect } from './PrioritySelect';
import { errorText, formatBytes, formatEta, formatSpeed, formatTime, percent, STATE_LABEL } from '../lib/format';
import { cancelWithUndo } from '../lib/undoable';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { Icon } from './icons';
import { ProgressBar } from './ProgressBar';
import { ProxyFields, proxyProblem } from './ProxyFields';
import { SegmentsBar } from './SegmentsBar';
import { Sparkline } from './Sparkline';

function Row({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{children}</dd>
    </>
  );
}

export function DetailsPanel() {
  const focused = useUi((s) => s.focused);
  const v = useTransfers((s) => (focused ? s.byId.get(focused) : undefined));
  const close = () => useUi.getState().setDetailsOpen(false);
  return (
    <aside className="details" aria-label="Details">
      <header className="details__header">
        <h2>Details</h2>
        <button type="button" className="icon-btn" aria-label="Close details" onClick={close}>
          <Icon name="x" />
        </button>
      </header>
      {v ? <Body v={v} /> : <p className="details__none">Select a transfer to see its URLs, file, attempts and log.</p>}
    </aside>
  );
}

function Body({ v }: { v: TransferView }) {
  const pct = percent(v) ?? (v.state === 'active' ? null : 0);
  const d = v.download;
  const u = v.upload;
  const ids = [v.id];
  return (
    <div className="details__body">
      <div className="details__title">
        <span className={`row__kind row__kind--${v.kind}`} aria-hidden="true">
          <Icon name={v.kind === 'download' ? 'download' : 'upload'} />
        </span>
        <div>
          <h3 className="details__name">{v.name}</h3>
          <span className={`pill pill--${v.state}`}>{STATE_LABEL[v.state]}</span>
        </div>
      </div>
      <ProgressBar value={pct} label={`Progress of ${v.name}`} tone={v.state === 'failed' ? 'danger' : v.state === 'completed' ? 'success' : 'accent'} />
      <p className="details__numbers">
        {formatBytes(v.progress.bytesDone)} of {formatBytes(v.progress.totalBytes)}
        {percent(v) !== null && ` · ${(pct ?? 0).toFixed(1)}%`}
        {v.state === 'active' && ` · ${formatSpeed(v.progress.speed)} · ${formatEta(v.progress.etaSeconds)}`}
      </p>
      {d?.segments && d.segments.length > 1 && v.state !== 'completed' && v.state !== 'canceled' && <SegmentsBar segments={d.segments} connections={d.connections} active={v.state === 'active'} />}
      {v.error && (
        <div className="details__error" role="alert">
          <Icon name="alert" />
          <div>
            <strong>{v.error.status ? `HTTP ${v.error.status}` : v.error.code.replace(/_/g, ' ').toLowerCase()}</strong>
            <p>{errorText(v.error)}</p>
            {v.error.body && <pre>{v.error.body}</pre>}
          </div>
        </div>
      )}
      <div className="details__actions">
        {canPause(v) && <button type="button" className="btn btn--small" onClick={() => void pause(ids)}>Pause</button>}
        {canResume(v) && <button type="button" className="btn btn--small" onClick={() => void resume(ids)}>Resume</button>}
        {canRetry(v) && <button type="button" className="btn btn--small" onClick={() => void retry(ids)}>Retry</button>}
        {canCancel(v) && <button type="button" className="btn btn--small" onClick={() => cancelWithUndo(ids)}>Cancel</button>}
        {canOpenFiles() && v.state === 'completed' && v.kind === 'download' && <button type="button" className="btn btn--small" onClick={() => void openFile(v.id)}>Open</button>}
        {canOpenFiles() && hasFileOnDisk(v) && <button type="button" className="btn btn--small" onClick={() => void showInFolder(v.id)}>Show in folder</button>}
        {canUpdateAddress(v) && <button type="button" className="btn btn--small" onClick={() => useUi.getState().openDialog({ kind: 'address', id: v.id, as: 'address' })}>Update address…</button>}
        {canAddMirror(v) && <button type="button" className="btn btn--small" onClick={() => useUi.getState().openDialog({ kind: 'address', id: v.id, as: 'mirror' })}>Add mirror…</button>}
        <button type="button" className="btn btn--small" onClick={() => void copyText(v.url)}>Copy URL</button>
      </div>
      <section aria-label="Speed">
        <Sparkline v={v} />
      </section>
      <dl className="facts">
        <Row label={v.kind === 'download' ? 'URL' : 'Target URL'} mono>{v.url}</Row>
        {v.finalUrl && v.finalUrl !== v.url && <Row label="Final URL" mono>{v.finalUrl}</Row>}
        {d?.sources && (
          <Row label="URLs">
            <ul className="sources">
              {d.sources.map((s) => (
                <li key={s.url} className={`sources__item sources__item--${s.status}`}>
                  <span className="mono">{s.url}</span> <span className="small">· {SOURCE_STATUS[s.status]}{s.reason ? `: ${s.reason}` : ''}</span>
                </li>
              ))}
            </ul>
          </Row>
        )}
        {d && <Row label={d.filePath ? 'Saved to' : 'Saves to'} mono>{d.filePath ?? `${d.directory.replace(/[\\/]$/, '')}/${d.fileName}`}</Row>}
        {d?.rule && <Row label="Filed by rule">{d.rule}</Row>}
        {d && !d.filePath && <Row label="Resumable">{resumableText(v)}</Row>}
        {d?.fileSha256 && (
          <Row label="SHA-256" mono>
            {d.fileSha256}
            {d.sha256 && d.sha256.toLowerCase() === d.fileSha256 && <span className="facts__ok"> ✓ matches the one you gave</span>}
          </Row>
        )}
        {d?.sha256 && !d.fileSha256 && <Row label="Expected SHA-256" mono>{d.sha256}</Row>}
        {v.validators?.etag && <Row label="ETag" mono>{v.validators.etag}</Row>}
        {v.validators?.lastModified && <Row label="Last-Modified">{v.validators.lastModified}</Row>}
        {u && <Row label="Source" mono>{u.sourcePath}</Row>}
        {u && <Row label="Destination"><DestinationName u={u} /> · {u.protocol === 'tus' ? 'tus' : `${u.method} ${u.protocol}`}</Row>}
        {u?.staged && (
          <Row label="Staged copy">
            <span className="mono">{u.staged.path}</span>
            <br />
            {formatBytes(u.staged.size)} · {u.staged.cloned ? 'reflink clone' : 'full copy'} · source modified {new Date(u.staged.sourceMtimeMs).toLocaleString()}
            <br />
            <span className="mono small">sha256 {u.staged.sha256 || 'being computed…'}</span>
          </Row>
        )}
        {u?.response && <Row label="Server answer">HTTP {u.response.status}{u.response.location ? ` · ${u.response.location}` : ''}</Row>}
        {u && <Row label="On resume">{u.restartsOnResume ? 'Sends the whole file again' : 'Continues where it stopped'}</Row>}
        <Row label="Attempt">{attemptText(v)}</Row>
        <Row label="Added">{new Date(v.createdAt).toLocaleString()}</Row>
        {v.finishedAt && <Row label="Finished">{new Date(v.finishedAt).toLocaleString()}</Row>}
        <Row label="Speed limit">
          <OwnLimit v={v} />
        </Row>
        {!isFinished(v.state) && (
          <Row label="Priority">
            <PrioritySelect label={`Priority of ${v.name}`} value={v.priority ?? 'normal'} onChange={(priority) => void setPriority([v.id], priority)} />
          </Row>
        )}
        <Row label="Proxy">
          <OwnProxy key={v.id} v={v} />
        </Row>
      </dl>
      <section className="log" aria-label="Log">
        <h3>Log</h3>
        {v.log.length === 0 ? (
          <p className="details__none">Nothing logged yet.</p>
        ) : (
          <ol>
            {v.log
              .slice()
              .reverse()
              .map((e, i) => (
                <li key={`${e.at}-${i}`} className={`log__entry log__entry--${e.level}`}>
                  <time>{formatTime(e.at)}</time>
                  <span>{e.message}</span>
                </li>
              ))}
          </ol>
        )}
      </section>
    </div>
  );
}

const SOURCE_STATUS = { serving: 'serving', waiting: 'not used yet', dropped: 'dropped' } as const;

/**
 * The transfer's own limit, typed as the timetable's rates are (500K, 2M; KiB/s without a unit),
 * applied on Enter or when the field loses focus; empty: none of its own.
 */
function OwnLimit({ v }: { v: TransferView }) {
  const current = v.speedLimit ?? null;
  const shown = current === null ? '' : ownRateText(current);
  const [text, setText] = useState(shown);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setText(shown), [shown]);
  const apply = () => {
    const parsed = text.trim() === '' ? ({ ok: true, value: null } as const) : parseRate(text);
    if (!parsed.ok) return setProblem(parsed.error);
    setProblem(null);
    if (parsed.value !== current) void setOwnLimit(v.id, parsed.value);
  };
  return (
    <>
      <input
        className="input input--compact input--num"
        aria-label={`Speed limit for ${v.name}`}
        aria-invalid={problem !== null}
        placeholder="Global limit only"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            apply();
          }
        }}
      />
      {current !== null && <span className="field__help"> {formatSpeed(current)}</span>}
      {problem && (
        <span className="field__error" role="alert">
          {problem}
        </span>
      )}
    </>
  );
}

/** A limit as the field shows it: whole MiB or KiB when it is one, else bytes. */
function ownRateText(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)}M`;
  if (bytes % 1024 === 0) return `${bytes / 1024}K`;
  return `${bytes}B`;
}

function proxyText(proxy: ProxyChoice | undefined): string {
  if (!proxy) return 'As in Settings';
  if (proxy.mode === 'none') return 'No proxy';
  if (proxy.mode === 'system') return "The system's";
  const shown = [proxy.all, proxy.http && `http → ${proxy.http}`, proxy.https && `https → ${proxy.https}`].filter(Boolean).join(' · ');
  return proxy.noProxy ? `${shown} (not for ${proxy.noProxy})` : shown;
}

/** The transfer's own proxy: shown, and changed from its next connection on (a failed one: then Retry). */
function OwnProxy({ v }: { v: TransferView }) {
  const [draft, setDraft] = useState<ProxyChoice | undefined | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  if (draft === null) {
    return (
      <span className="own-proxy">
        <span className={v.proxy?.mode === 'manual' ? 'mono' : undefined}>{proxyText(v.proxy)}</span>{' '}
        <button type="button" className="btn btn--small" onClick={() => setDraft(v.proxy)}>
          Change…
        </button>
      </span>
    );
  }
  const save = async () => {
    const error = proxyProblem(draft);
    if (error) return setProblem(error);
    if (await setOwnProxy(v.id, draft ?? null)) setDraft(null);
  };
  return (
    <div className="own-proxy own-proxy--editing">
      <ProxyFields value={draft} onChange={setDraft} perTransfer />
      {problem && <p className="form-error" role="alert">{problem}</p>}
      <span className="field__help">Used from its next connection{v.state === 'active' ? ' (pause and resume to apply it now)' : ''}.</span>
      <div className="details__actions">
        <button type="button" className="btn btn--small btn--primary" onClick={() => void save()}>
          Save
        </button>
        <button type="button" className="btn btn--small" onClick={() => (setDraft(null), setProblem(null))}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** A saved destination by its name (as the user knows it), never by its id. */
function DestinationName({ u }: { u: UploadDetails }) {
  const saved = useTransfers((s) => (u.destinationId ? s.destinations.find((d) => d.id === u.destinationId)?.name : undefined));
  if (saved) return <>{saved}</>;
  if (u.destinationName) return <>{u.destinationName}</>;
  return <>{u.destinationId ? 'a deleted destination' : 'the URL above'}</>;
}

/** Known only once the server answered with the file: a 404 that never started is not "resumable: yes". */
function resumableText(v: TransferView): string {
  const d = v.download!;
  if (!d.resumable) return 'No — the server ignores ranges; resume restarts';
  const answered = v.progress.bytesDone > 0 || v.validators?.etag !== undefined || v.validators?.lastModified !== undefined;
  return answered ? 'Yes — pausing keeps the bytes' : 'Not known yet — the server has not sent the file';
}

/**
 * The attempt count restarts at 1 when the user retries or resumes; say so, so "Attempt 1" under a
 * log of earlier attempts does not read as a contradiction.
 */
function attemptText(v: TransferView): string {
  const restart = [...v.log].reverse().find((e) => /^(failed|canceled|paused) → queued$/.test(e.message));
  const since = restart ? ` (counted from your ${restart.message.startsWith('paused') ? 'resume' : 'retry'} at ${formatTime(restart.at)})` : '';
  const next = v.nextRetryAt ? ` · next try at ${formatTime(v.nextRetryAt)}` : '';
  return `${v.attempt}${since}${next}`;
}
