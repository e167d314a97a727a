// Settings › aria2 RPC: whether aria2 clients (AriaNg, browser extensions) may hand downloads to
// Ferry, on which port, the endpoint to paste into them, and the secret, which this page never
// holds: the desktop app's main process copies it to the clipboard; elsewhere the pane names the
// file it is in (readable by its owner only).
import { useEffect, useState } from 'react';
import type { RpcInfo } from '../../../shared/contract';
import { SECRET_MASK } from '../../../shared/secret-mask';
import type { Settings } from '../../../shared/settings';
import { transport } from '../api/current';
import { RpcAccessLists } from './RpcAccessLists';

interface Props {
  draft: Settings;
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
}

type Copied = 'yes' | 'failed' | null;

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function CopyField({ label, value, copy, masked }: { label: string; value: string; copy: () => Promise<boolean>; masked?: boolean }) {
  const [copied, setCopied] = useState<Copied>(null);
  const id = `rpc-${label.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <div className="field">
      <span className="field__label" id={id}>
        {label}
      </span>
      <div className="copy-field">
        <input className="input input--mono" aria-labelledby={id} readOnly value={value} onFocus={(e) => !masked && e.currentTarget.select()} />
        <button type="button" className="btn" aria-label={`Copy ${label.toLowerCase()}`} onClick={() => void copy().then((ok) => setCopied(ok ? 'yes' : 'failed'))}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' && <span className="field__help">Could not reach the clipboard{masked ? '' : ': select the text and copy it'}.</span>}
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

  const copySecret = async () => (await transport().api.copyRpcSecret()).ok;
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
      {info?.secretFile && (
        <fieldset className="group">
          <legend>Pair a client</legend>
          <CopyField label="Endpoint" value={info.endpoint ?? `http://127.0.0.1:${draft.rpcPort}/jsonrpc`} copy={() => copyText(info.endpoint ?? `http://127.0.0.1:${draft.rpcPort}/jsonrpc`)} />
          {info.canCopySecret ? (
            <CopyField label="Secret" value={SECRET_MASK} masked copy={copySecret} />
          ) : (
            <CopyField label="Secret file" value={info.secretFile} copy={() => copyText(info.secretFile!)} />
          )}
          <span className="field__help">
            {info.canCopySecret
              ? 'The secret is copied by Ferry itself and never shown here. '
              : 'The secret never reaches this page: read it from that file (only you can), e.g. with cat. '}
            In AriaNg: RPC address 127.0.0.1, port {draft.rpcPort}, path /jsonrpc, and the secret as its secret token. Extensions ask for the same.
          </span>
        </fieldset>
      )}
      <RpcAccessLists draft={draft} set={set} />
      {info?.problem && info.enabled && (
        <p className="form-error" role="status">
          {info.problem}
        </p>
      )}
    </>
  );
}
