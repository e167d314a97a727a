// One control for a proxy choice, used by Settings › Network (system / none / by hand) and per
// transfer in the add dialog and the details panel (the setting / none / by hand). Passwords
// arrive masked and may be sent back masked: the host keeps the stored one for the same proxy.
import { useId } from 'react';
import type { ProxyChoice } from '../../../shared/proxy';

type Mode = 'inherit' | ProxyChoice['mode'];

interface Props {
  /** undefined: follow the setting (only where `inherit` is offered). */
  value: ProxyChoice | undefined;
  onChange(value: ProxyChoice | undefined): void;
  /** Per transfer: "Use the setting" instead of "Follow the system". */
  perTransfer?: boolean;
}

const MODES_SETTINGS: Array<[Mode, string, string]> = [
  ['system', 'Follow the system', "The system's proxy settings, PAC and WPAD included (the CLI and headless hosts: http_proxy & co.)"],
  ['none', 'No proxy', 'Connect to every server directly'],
  ['manual', 'Use this proxy', 'HTTP, HTTPS or SOCKS5 proxy, with user:password if it needs one'],
];
const MODES_TRANSFER: Array<[Mode, string, string]> = [
  ['inherit', 'As in Settings', 'The proxy setting of Settings › Network'],
  ['none', 'No proxy', 'This transfer connects directly'],
  ['manual', 'Use this proxy', 'Only for this transfer'],
];

export function ProxyFields({ value, onChange, perTransfer }: Props) {
  const id = useId();
  const mode: Mode = value?.mode ?? 'inherit';
  const manual = value?.mode === 'manual' ? value : undefined;
  const setMode = (next: Mode) => {
    if (next === 'inherit') return onChange(undefined);
    if (next === 'manual') return onChange({ mode: 'manual', all: manual?.all ?? '', ...(manual?.noProxy ? { noProxy: manual.noProxy } : {}) });
    onChange({ mode: next });
  };
  const setField = (field: 'all' | 'noProxy', text: string) => {
    const base = manual ?? { mode: 'manual' as const };
    onChange({ ...base, [field]: text });
  };
  return (
    <div className="proxy-fields">
      <div className="segmented" role="radiogroup" aria-label="Proxy">
        {(perTransfer ? MODES_TRANSFER : MODES_SETTINGS).map(([m, label, help]) => (
          <label key={m} className="segmented__option" title={help}>
            <input type="radio" name={`${id}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />
            <span>{label}</span>
          </label>
        ))}
      </div>
      {manual && (
        <>
          <label className="field">
            <span className="field__label">Proxy address</span>
            <input
              className="input input--mono"
              spellCheck={false}
              autoComplete="off"
              placeholder="http://user:password@proxy.example:3128 or socks5h://127.0.0.1:1080"
              value={manual.all ?? ''}
              onChange={(e) => setField('all', e.target.value)}
            />
            <span className="field__help">
              http:// (https sites through CONNECT), https://, socks5:// (names resolved here) or socks5h:// (resolved by the proxy). A
              password is kept in Ferry's secret store and shown as ••••••••.
            </span>
          </label>
          {(manual.http || manual.https) && (
            <p className="field__help">
              Also set (by the aria2 RPC or the CLI): {manual.http && <code>http → {manual.http}</code>} {manual.https && <code>https → {manual.https}</code>}
            </p>
          )}
          <label className="field">
            <span className="field__label">No proxy for</span>
            <input
              className="input input--mono"
              spellCheck={false}
              placeholder="localhost, .intranet.example, 10.0.0.0/8"
              value={manual.noProxy ?? ''}
              onChange={(e) => setField('noProxy', e.target.value)}
            />
            <span className="field__help">Hosts and their subdomains, IP addresses or CIDR blocks, host:port; * for all (curl&apos;s no_proxy).</span>
          </label>
        </>
      )}
    </div>
  );
}

/** What to send: an empty address by hand is no proxy choice at all (the caller says so). */
export function proxyProblem(value: ProxyChoice | undefined): string | null {
  if (value?.mode === 'manual' && !value.all?.trim() && !value.http?.trim() && !value.https?.trim()) return 'Enter the proxy address, or choose another option.';
  return null;
}
