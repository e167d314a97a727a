// Settings › Rules: the rules that file downloads which name no folder (shared/rule-match.ts decides),
// in the order they are tried, and clipboard watching, which offers links these rules know. Edits
// go into the settings draft; Save sends them, and the host checks every folder.
import { useState } from 'react';
import type { DownloadRule } from '../../../shared/download-rules';
import { ruleFolder } from '../../../shared/rule-match';
import type { Settings } from '../../../shared/settings';
import { transport } from '../api/current';
import { useUi } from '../store/ui-store';

const MB = 1024 * 1024;
const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

interface RulesPaneProps {
  draft: Settings;
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
}

export function RulesPane({ draft, set }: RulesPaneProps) {
  const [editing, setEditing] = useState<{ index: number; rule: DownloadRule } | null>(null);
  const rules = draft.rules;
  const setRules = (next: DownloadRule[]) => set('rules', next);
  const move = (index: number, by: number) => {
    const next = [...rules];
    const [rule] = next.splice(index, 1);
    next.splice(index + by, 0, rule!);
    setRules(next);
  };
  const desktop = transport().nativeDialogs;

  if (editing) {
    return (
      <RuleEditor
        rule={editing.rule}
        downloadDirectory={draft.downloadDirectory}
        onCancel={() => setEditing(null)}
        onDone={(rule) => {
          const next = [...rules];
          if (editing.index < 0) next.unshift(rule);
          else next[editing.index] = rule;
          setRules(next);
          setEditing(null);
        }}
      />
    );
  }

  return (
    <>
      <fieldset className="group">
        <legend>Rules</legend>
        <p className="field__help">
          Downloads that name no folder of their own go where the first matching rule says, judged by the file's final name. The add dialog shows the
          rule and lets you choose another folder.
        </p>
        {rules.length === 0 && <p className="field__help">No rules: every download goes into the download folder.</p>}
        <ol className="rules" aria-label="Rules, first match wins">
          {rules.map((rule, index) => (
            <li key={rule.id} className={`rules__row${rule.enabled ? '' : ' rules__row--off'}`}>
              <label className="rules__on" title={rule.enabled ? 'Switch off' : 'Switch on'}>
                <input type="checkbox" aria-label={`${rule.name} on`} checked={rule.enabled} onChange={(e) => setRules(rules.map((r, i) => (i === index ? { ...r, enabled: e.target.checked } : r)))} />
              </label>
              <span className="rules__text">
                <span className="rules__name">{rule.name}</span>
                <span className="rules__what">{summary(rule)}</span>
                <code className="rules__folder">→ {ruleFolder(rule.folder, draft.downloadDirectory)}</code>
              </span>
              <span className="rules__buttons">
                <button type="button" className="btn btn--small" aria-label={`Move ${rule.name} up`} disabled={index === 0} onClick={() => move(index, -1)}>
                  ↑
                </button>
                <button type="button" className="btn btn--small" aria-label={`Move ${rule.name} down`} disabled={index === rules.length - 1} onClick={() => move(index, 1)}>
                  ↓
                </button>
                <button type="button" className="btn btn--small" onClick={() => setEditing({ index, rule })}>
                  Edit
                </button>
                <button type="button" className="btn btn--small" aria-label={`Remove ${rule.name}`} onClick={() => setRules(rules.filter((_, i) => i !== index))}>
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ol>
        <button type="button" className="btn" onClick={() => setEditing({ index: -1, rule: { id: newId(rules), name: '', enabled: true, fileTypes: [], mimeTypes: [], sites: [], folder: '' } })}>
          Add rule…
        </button>
      </fieldset>
      <fieldset className="group">
        <legend>Clipboard</legend>
        {desktop ? (
          <label className="field field--inline">
            <span className="field__label">Offer copied links</span>
            <select className="input" value={draft.clipboardWatch} onChange={(e) => set('clipboardWatch', e.target.value as Settings['clipboardWatch'])}>
              <option value="off">Off</option>
              <option value="download-links">Links to files the rules know</option>
              <option value="any-link">Any http(s) link</option>
            </select>
          </label>
        ) : (
          <p className="field__help">Watching the clipboard for links is a feature of the desktop app: a page in a browser cannot read what you copy.</p>
        )}
      </fieldset>
    </>
  );
}

function summary(rule: DownloadRule): string {
  const short = (items: string[]) => (items.length > 6 ? `${items.slice(0, 6).join(', ')} … (${items.length})` : items.join(', '));
  return [
    rule.fileTypes.length > 0 ? short(rule.fileTypes) : '',
    rule.mimeTypes.length > 0 ? `type ${short(rule.mimeTypes)}` : '',
    rule.sites.length > 0 ? `from ${short(rule.sites)}` : '',
    rule.urlPattern ? `URL ${rule.urlPattern}` : '',
    rule.connections ? `${rule.connections} connections` : '',
    rule.speedLimit ? `${Math.round((rule.speedLimit / MB) * 100) / 100} MiB/s` : '',
    rule.startPaused ? 'added paused' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function newId(rules: readonly DownloadRule[]): string {
  let n = rules.length + 1;
  while (rules.some((r) => r.id === `rule-${n}`)) n++;
  return `rule-${n}`;
}

function RuleEditor({ rule, downloadDirectory, onCancel, onDone }: { rule: DownloadRule; downloadDirectory: string; onCancel(): void; onDone(rule: DownloadRule): void }) {
  const [name, setName] = useState(rule.name);
  const [types, setTypes] = useState(rule.fileTypes.join(', '));
  const [mimes, setMimes] = useState(rule.mimeTypes.join(', '));
  const [sites, setSites] = useState(rule.sites.join(', '));
  const [pattern, setPattern] = useState(rule.urlPattern ?? '');
  const [folder, setFolder] = useState(rule.folder);
  const [connections, setConnections] = useState(rule.connections ? String(rule.connections) : '');
  const [limit, setLimit] = useState(rule.speedLimit ? String(Math.round((rule.speedLimit / MB) * 100) / 100) : '');
  const [paused, setPaused] = useState(rule.startPaused ?? false);
  const [problem, setProblem] = useState<string | null>(null);

  function done() {
    const count = connections.trim() === '' ? undefined : Number(connections);
    const mib = limit.trim() === '' ? undefined : Number(limit);
    if (name.trim() === '') return setProblem('Give the rule a name.');
    if (list(types).length + list(mimes).length + list(sites).length === 0 && pattern.trim() === '') return setProblem('Say what the rule matches: file types, MIME types, sites or a URL pattern.');
    if (folder.trim() === '') return setProblem('Say where its files go: a folder inside the download folder (like Images) or a full path.');
    if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 32)) return setProblem('Connections are a whole number from 1 to 32, or empty.');
    if (mib !== undefined && !(Number.isFinite(mib) && mib > 0)) return setProblem('The speed limit is a positive number of MiB/s, or empty.');
    const { urlPattern: _p, connections: _c, speedLimit: _s, startPaused: _b, ...base } = rule;
    onDone({
      ...base,
      name: name.trim(),
      fileTypes: list(types),
      mimeTypes: list(mimes),
      sites: list(sites),
      folder: folder.trim(),
      ...(pattern.trim() ? { urlPattern: pattern.trim() } : {}),
      ...(count !== undefined ? { connections: count } : {}),
      ...(mib !== undefined ? { speedLimit: Math.max(1, Math.round(mib * MB)) } : {}),
      ...(paused ? { startPaused: true } : {}),
    });
  }

  async function choose() {
    const r = await transport().api.chooseDownloadFolder();
    if (!r.ok) useUi.getState().toast(r.error.message, 'error');
    else if (r.value !== null) setFolder(r.value);
  }

  const text = (label: string, value: string, onChange: (v: string) => void, placeholder: string, help?: string) => (
    <label className="field">
      <span className="field__label">{label}</span>
      <input className="input" spellCheck={false} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
      {help && <span className="field__help">{help}</span>}
    </label>
  );
  return (
    <fieldset className="group rule-editor">
      <legend>{rule.name ? `Edit rule ${rule.name}` : 'New rule'}</legend>
      {text('Name', name, setName, 'Images')}
      {text('File types', types, setTypes, 'jpg, png, *.part1.rar', 'Comma-separated; the final file name counts (after redirects).')}
      {text('MIME types', mimes, setMimes, 'image/*, application/pdf')}
      {text('Sites', sites, setSites, 'example.com', 'Each with its subdomains. Everything a rule names must match; file and MIME types count as one.')}
      {text('URL pattern', pattern, setPattern, 'https://example.com/builds/*', '* stands for any characters; the whole URL must match.')}
      <div className="field">
        <label className="field__label" htmlFor="rule-folder">
          Folder
        </label>
        <div className="folder-field">
          <input id="rule-folder" className="input" spellCheck={false} placeholder="Images" value={folder} onChange={(e) => setFolder(e.target.value)} />
          {transport().nativeDialogs && (
            <button type="button" className="btn" onClick={() => void choose()}>
              Choose folder…
            </button>
          )}
        </div>
        <span className="field__help">
          A folder inside the download folder, or a full path. Now: <code>{folder.trim() ? ruleFolder(folder.trim(), downloadDirectory) : downloadDirectory}</code>
        </span>
      </div>
      <label className="field field--inline">
        <span className="field__label">Connections</span>
        <input className="input input--num" inputMode="numeric" placeholder="Default" value={connections} onChange={(e) => setConnections(e.target.value)} />
      </label>
      <label className="field field--inline">
        <span className="field__label">Speed limit (MiB/s)</span>
        <input className="input input--num" inputMode="decimal" placeholder="No limit" value={limit} onChange={(e) => setLimit(e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} />
        <span>Add its downloads paused</span>
      </label>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <div className="rule-editor__buttons">
        <button type="button" className="btn" onClick={onCancel}>
          Back
        </button>
        <button type="button" className="btn btn--primary" onClick={done}>
          {rule.name ? 'Keep changes' : 'Add rule'}
        </button>
      </div>
    </fieldset>
  );
}
