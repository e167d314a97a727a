// Settings › aria2 RPC: whether aria2 clients (AriaNg, browser extensions) may hand downloads to
// Ferry, on which port, and the endpoint and secret to paste into them, with copy buttons.
import { useEffect, useState } from 'react';
import type { RpcInfo } from '../../../shared/contract';
import type { Settings } from '../../../shared/settings';
import { transport } from '../api/current';

interface Props {
  draft: Settings;
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function CopyField({ label, value, secret }: { label: string; value: string; secret?: boolean }) {
  const [shown, setShown] = useState(!secret);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  return (
    <div className="field">
      <span className="field__label" id={`rpc-${label}`}>
        {label}
      </span>
      <div className="copy-field">
        <input className="input input--mono" aria-labelledby={`rpc-${label}`} readOnly type={shown ? 'text' : 'password'} value={value} onFocus={(e) => e.currentTarget.select()} />
        {secret && (
          <button type="button" className="btn" onClick={() => setShown((s) => !s)}>
            {shown ? 'Hide' : 'Show'}
          </button>
        )}
        <button type="button" className="btn" aria-label={`Copy ${label.toLowerCase()}`} onClick={() => void copyText(value).then((ok) => setCopied(ok ? 'yes' : 'failed'))}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' && <span className="field__help">Could not reach the clipboard: select the text and copy it.</span>}
    </div>
  );
}

export function RpcPane({ draft, set }: Props) {
  const [info, setInfo] = useState<RpcInfo | null>(null);
  useEffect(() => {
    let live = true;
    void transport()
      .api.rpcInfo()
      .then((r) => live && r.ok && setInfo(r.value));
    return () => {
      live = false;
    };
  }, []);

  return (
    <>
      <label className="check">
        <input type="checkbox" checked={draft.rpcEnabled} onChange={(e) => set('rpcEnabled', e.target.checked)} />
        <span>
          Accept downloads from aria2 clients
          <span className="field__help">AriaNg, browser extensions that speak aria2's JSON-RPC, scripts. Only on this computer (127.0.0.1), only with the secret.</span>
        </span>
      </label>
      <label className="field field--inline">
        <span className="field__label">Port</span>
        <input className="input input--num" type="number" min={1024} max={65535} value={draft.rpcPort} onChange={(e) => set('rpcPort', Math.max(1024, Math.min(65535, Math.round(Number(e.target.value) || 6800))))} />
      </label>
      {info?.secret && (
        <fieldset className="group">
          <legend>Pair a client</legend>
          <CopyField label="Endpoint" value={info.endpoint ?? `http://127.0.0.1:${draft.rpcPort}/jsonrpc`} />
          <CopyField label="Secret" value={info.secret} secret />
          <span className="field__help">
            In AriaNg: RPC address 127.0.0.1, port {draft.rpcPort}, path /jsonrpc, secret token as above. Extensions ask for the same.
          </span>
        </fieldset>
      )}
      {info?.problem && info.enabled && (
        <p className="form-error" role="status">
          {info.problem}
        </p>
      )}
    </>
  );
}
