// Settings › aria2 RPC: what RPC callers (browser extensions, AriaNg, scripts) may do beyond the
// defaults: save into more folders than the download folder, and be called from web pages. Only
// this UI edits them; the RPC itself cannot (aria2.changeGlobalOption leaves them alone).
import { useState } from 'react';
import type { Settings } from '../../../shared/settings';
import { transport } from '../api/current';
import { useUi } from '../store/ui-store';

interface Props {
  draft: Settings;
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
}

function ListOf({ label, items, onRemove }: { label: string; items: readonly string[]; onRemove(item: string): void }) {
  if (items.length === 0) return null;
  return (
    <ul className="file-list" aria-label={label}>
      {items.map((item) => (
        <li key={item}>
          <span className="file-list__name input--mono" title={item}>
            {item}
          </span>
          <button type="button" className="btn btn--small" aria-label={`Remove ${item}`} onClick={() => onRemove(item)}>
            Remove
          </button>
        </li>
      ))}
    </ul>
  );
}

/** In the desktop app a folder comes from the native picker (the main process accepts no other); elsewhere it is typed. */
function SaveFolders({ draft, set }: Props) {
  const [typed, setTyped] = useState('');
  const folders = draft.rpcSaveFolders;
  const add = (folder: string) => {
    const trimmed = folder.trim();
    if (trimmed && !folders.includes(trimmed)) set('rpcSaveFolders', [...folders, trimmed]);
  };
  async function choose() {
    const r = await transport().api.chooseDownloadFolder();
    if (!r.ok) useUi.getState().toast(r.error.message, 'error');
    else if (r.value !== null) add(r.value);
  }
  return (
    <fieldset className="group">
      <legend>Folders that browser and RPC clients may save into</legend>
      <span className="field__help">
        Always the download folder and its subfolders. A client that names any other folder is refused and nothing is written.
      </span>
      <ListOf label="Folders clients may save into" items={folders} onRemove={(f) => set('rpcSaveFolders', folders.filter((x) => x !== f))} />
      {transport().nativeDialogs ? (
        <button type="button" className="btn" onClick={() => void choose()}>
          Add folder…
        </button>
      ) : (
        <div className="folder-field">
          <input className="input" aria-label="Folder to add" placeholder="/home/me/Media" value={typed} onChange={(e) => setTyped(e.target.value)} />
          <button type="button" className="btn" disabled={typed.trim() === ''} onClick={() => (add(typed), setTyped(''))}>
            Add folder
          </button>
        </div>
      )}
    </fieldset>
  );
}

const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+$/;

function WebOrigins({ draft, set }: Props) {
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const origins = draft.rpcAllowedOrigins;
  function add() {
    const origin = typed.trim().toLowerCase().replace(/\/+$/, '');
    if (!ORIGIN.test(origin)) return setProblem('An origin is scheme://host[:port], without a path, like https://ariang.example');
    setProblem(null);
    setTyped('');
    if (!origins.includes(origin)) set('rpcAllowedOrigins', [...origins, origin]);
  }
  return (
    <fieldset className="group">
      <legend>Web pages that may call the RPC</legend>
      <span className="field__help">Scripts and Ferry’s own extension always may (with the secret). Web pages only from these origins:</span>
      <ListOf label="Web origins that may call" items={origins} onRemove={(o) => set('rpcAllowedOrigins', origins.filter((x) => x !== o))} />
      <div className="folder-field">
        <input
          className="input"
          aria-label="Web origin to allow"
          placeholder="https://ariang.example"
          value={typed}
          aria-invalid={problem ? true : undefined}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="btn" disabled={typed.trim() === ''} onClick={add}>
          Allow
        </button>
      </div>
      {problem && <span className="field__help field__help--warn">{problem}</span>}
      <label className="check">
        <input type="checkbox" checked={draft.rpcAllowAnyOrigin} onChange={(e) => set('rpcAllowAnyOrigin', e.target.checked)} />
        <span>
          Any web page (aria2’s --rpc-allow-origin-all)
          <span className="field__help">For an AriaNg opened from a file or hosted elsewhere. Every page you visit could then try to guess the secret.</span>
        </span>
      </label>
    </fieldset>
  );
}

export function RpcAccessLists(props: Props) {
  return (
    <>
      <SaveFolders {...props} />
      <WebOrigins {...props} />
    </>
  );
}
