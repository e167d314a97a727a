import { useState } from 'react';
import type { Settings } from '../../../shared/settings';
import { transport } from '../api/current';
import { fieldError } from '../lib/actions';
import { askForNotifications, notificationSupport } from '../lib/browser-notices';
import { useTransfers } from '../store/transfers-store';
import type { SettingsTab } from '../store/ui-store';
import { useUi } from '../store/ui-store';
import { DestinationsPane } from './DestinationsPane';
import { FolderField } from './FolderField';
import { Modal } from './Modal';
import { ProxyFields, proxyProblem } from './ProxyFields';
import { RpcPane } from './RpcPane';
import { RulesPane } from './RulesPane';
import { SchedulePane } from './SchedulePane';

const TABS: Array<[SettingsTab, string]> = [
  ['general', 'General'],
  ['transfers', 'Transfers'],
  ['rules', 'Rules'],
  ['schedule', 'Schedule'],
  ['network', 'Network'],
  ['destinations', 'Upload destinations'],
  ['rpc', 'aria2 RPC'],
];

const MB = 1024 * 1024;
const toMb = (v: number | null) => (v === null ? '' : String(Math.round((v / MB) * 100) / 100));
function fromMb(s: string): number | null | 'bad' {
  if (s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) && n > 0 ? Math.max(1, Math.round(n * MB)) : 'bad';
}

const RELEASE_CHOICES: Array<[number | null, string]> = [
  [0, 'At once'],
  [1, 'After 1 minute'],
  [5, 'After 5 minutes'],
  [15, 'After 15 minutes'],
  [60, 'After 1 hour'],
  [null, 'Never'],
];

/** The choices as select options; a value set elsewhere (a settings file) is listed too. */
function releaseChoices(current: number | null): Array<[string, string]> {
  const choices = RELEASE_CHOICES.some(([m]) => m === current) ? RELEASE_CHOICES : [...RELEASE_CHOICES, [current, `After ${current} minutes`] as [number | null, string]];
  return choices.map(([m, label]) => [m === null ? 'never' : String(m), label]);
}

export function SettingsDialog({ initialTab = 'general' }: { initialTab?: SettingsTab }) {
  const saved = useTransfers((s) => s.settings);
  const [tab, setTab] = useState<SettingsTab>(initialTab);
  const [draft, setDraft] = useState<Settings | null>(saved);
  const [down, setDown] = useState(toMb(saved?.downloadLimit ?? null));
  const [up, setUp] = useState(toMb(saved?.uploadLimit ?? null));
  const [error, setError] = useState<string | null>(null);
  const [folderError, setFolderError] = useState<string | null>(null);
  const [notifyProblem, setNotifyProblem] = useState<string | null>(null);
  const [permission, setPermission] = useState(notificationSupport);
  const desktop = transport().nativeDialogs;
  const close = () => useUi.getState().closeDialog();

  async function save() {
    if (!draft) return close();
    const downloadLimit = fromMb(down);
    const uploadLimit = fromMb(up);
    if (downloadLimit === 'bad' || uploadLimit === 'bad') return setError('Speed limits are positive numbers of MiB/s, or empty for no limit.');
    const proxyError = proxyProblem(draft.proxy);
    if (proxyError) return setError(proxyError);
    setFolderError(null);
    setError(null);
    const r = await transport().api.setSettings({ ...draft, downloadLimit, uploadLimit });
    if (!r.ok) {
      const aboutRules = fieldError(r.error, 'rules');
      if (aboutRules) {
        setError(aboutRules);
        return setTab('rules');
      }
      const aboutFolder = fieldError(r.error, 'downloadDirectory');
      if (!aboutFolder) return setError(r.error.message);
      setFolderError(aboutFolder);
      return setTab('general');
    }
    useTransfers.getState().setSettings(r.value);
    close();
  }

  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));
  const check = (
    k: 'closeToTray' | 'startHidden' | 'startAtLogin' | 'notifications' | 'confirmQuitWhileActive' | 'preventSleepWhileActive' | 'confirmDroppedFiles',
    label: string,
    help?: string,
  ) => (
    <label className="check">
      <input type="checkbox" checked={draft?.[k] ?? false} onChange={(e) => set(k, e.target.checked)} />
      <span>
        {label}
        {help && <span className="field__help">{help}</span>}
      </span>
    </label>
  );
  const num = (k: 'maxActive' | 'maxPerHost' | 'connectionsPerDownload' | 'stallTimeoutSeconds' | 'maxRetries' | 'droppedFileLimitMiB', label: string, min: number, max: number) => (
    <label className="field field--inline">
      <span className="field__label">{label}</span>
      <input className="input input--num" type="number" min={min} max={max} value={draft?.[k] ?? ''} onChange={(e) => set(k, Math.max(min, Math.min(max, Math.round(Number(e.target.value) || min))))} />
    </label>
  );

  const isDestinations = tab === 'destinations';
  return (
    <Modal
      title="Settings"
      wide
      onClose={close}
      onSubmit={() => void save()}
      footer={
        isDestinations ? (
          <button type="button" className="btn" onClick={close}>
            Done
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="btn btn--primary" disabled={!draft}>
              Save
            </button>
          </>
        )
      }
    >
      <div className="settings">
        <div className="tabs" role="tablist" aria-label="Settings sections" aria-orientation="vertical">
          {TABS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              data-autofocus={id === initialTab ? '' : undefined}
              className="tab"
              onClick={() => setTab(id)}
              onKeyDown={(e) => {
                const i = TABS.findIndex(([t]) => t === tab);
                const next = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : -99;
                if (next === -99) return;
                e.preventDefault();
                const t = TABS[(next + TABS.length) % TABS.length]![0];
                setTab(t);
                document.getElementById(`tab-${t}`)?.focus();
              }}
            >
              {label}
            </button>
          ))}
        </div>
        <div className="settings__panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {!draft && !isDestinations && <p>Loading settings…</p>}
          {draft && tab === 'general' && (
            <>
              <div className="field">
                <label className="field__label" htmlFor="settings-folder">
                  Download folder
                </label>
                <FolderField
                  id="settings-folder"
                  value={draft.downloadDirectory}
                  invalid={folderError !== null}
                  {...(folderError ? { describedBy: 'settings-folder-error' } : {})}
                  onChange={(folder) => {
                    set('downloadDirectory', folder);
                    setFolderError(null);
                  }}
                />
                {folderError && (
                  <span className="field__error" id="settings-folder-error" role="alert">
                    {folderError}
                  </span>
                )}
              </div>
              {desktop ? (
                <fieldset className="group">
                  <legend>Window and system</legend>
                  {check('closeToTray', 'Keep running in the tray when the window is closed')}
                  {check('startHidden', 'Start hidden in the tray')}
                  {check('startAtLogin', 'Start Ferry when I log in')}
                  {check('notifications', 'Notify me when transfers finish or fail')}
                  {check('confirmQuitWhileActive', 'Ask before quitting while transfers run')}
                  {check('preventSleepWhileActive', 'Keep the computer awake while transfers run')}
                  <label className="field field--inline">
                    <span className="field__label">Free the window's memory after it is closed</span>
                    <select
                      className="input"
                      aria-describedby="settings-release-help"
                      value={draft.releaseWindowAfterMinutes === null ? 'never' : String(draft.releaseWindowAfterMinutes)}
                      onChange={(e) => set('releaseWindowAfterMinutes', e.target.value === 'never' ? null : Number(e.target.value))}
                    >
                      {releaseChoices(draft.releaseWindowAfterMinutes).map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </select>
                  </label>
                  <span className="field__help" id="settings-release-help">
                    The tray and the transfers keep running; opening Ferry again rebuilds the window.
                  </span>
                </fieldset>
              ) : (
                <fieldset className="group">
                  <legend>Notifications</legend>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={draft.notifications}
                      onChange={(e) => {
                        const on = e.target.checked;
                        setNotifyProblem(null);
                        if (!on) return set('notifications', false);
                        // Asked here, on the click: browsers ask for permission only in answer to one.
                        void askForNotifications().then((allowed) => {
                          setPermission(allowed);
                          if (allowed === 'granted') return set('notifications', true);
                          setNotifyProblem(
                            allowed === 'unsupported'
                              ? 'This browser cannot show notifications for this page.'
                              : 'The browser blocks notifications for this page: allow them in its site settings, then turn this on again.',
                          );
                        });
                      }}
                    />
                    <span>
                      Notify me when transfers finish or fail
                      <span className="field__help">Shown by this browser while this page is open.</span>
                    </span>
                  </label>
                  {draft.notifications && !notifyProblem && permission === 'default' && (
                    <div className="field__help field__help--warn">
                      This browser has not allowed notifications for this page yet.{' '}
                      <button
                        type="button"
                        className="btn btn--small"
                        onClick={() => void askForNotifications().then(setPermission)}
                      >
                        Allow notifications
                      </button>
                    </div>
                  )}
                  {draft.notifications && !notifyProblem && permission === 'denied' && (
                    <span className="field__help field__help--warn">The browser blocks notifications for this page: allow them in its site settings.</span>
                  )}
                  {notifyProblem && (
                    <span className="field__error" role="alert">
                      {notifyProblem}
                    </span>
                  )}
                  <p className="field__help">The tray, starting at login, asking before quitting and keeping the computer awake are settings of the desktop app; Ferry in a browser has none of them.</p>
                </fieldset>
              )}
            </>
          )}
          {draft && tab === 'transfers' && (
            <>
              <fieldset className="group">
                <legend>Concurrency</legend>
                {num('maxActive', 'Transfers at once', 1, 32)}
                {num('maxPerHost', 'At once per server', 1, 32)}
                {num('connectionsPerDownload', 'Connections per download', 1, 32)}
              </fieldset>
              <fieldset className="group">
                <legend>Speed limits</legend>
                <label className="field field--inline">
                  <span className="field__label">Download limit (MiB/s)</span>
                  <input className="input input--num" inputMode="decimal" placeholder="No limit" value={down} onChange={(e) => setDown(e.target.value)} />
                </label>
                <label className="field field--inline">
                  <span className="field__label">Upload limit (MiB/s)</span>
                  <input className="input input--num" inputMode="decimal" placeholder="No limit" value={up} onChange={(e) => setUp(e.target.value)} />
                </label>
              </fieldset>
              <fieldset className="group">
                <legend>When a server misbehaves</legend>
                {num('stallTimeoutSeconds', 'Stall timeout (seconds)', 5, 3600)}
                {num('maxRetries', 'Retries without progress', 0, 100)}
              </fieldset>
              {transport().nativeDialogs && (
                <fieldset className="group">
                  <legend>Files dropped on this window</legend>
                  {check('confirmDroppedFiles', 'Ask before uploading dropped files', 'Ferry lists them in its own dialog before it reads them. Turning this off asks you once more.')}
                </fieldset>
              )}
              <fieldset className="group">
                <legend>Files dropped into a browser</legend>
                {num('droppedFileLimitMiB', 'Largest dropped file (MiB)', 1, 1024 * 1024)}
              </fieldset>
            </>
          )}
          {draft && tab === 'network' && (
            <fieldset className="group">
              <legend>Proxy</legend>
              <ProxyFields value={draft.proxy} onChange={(proxy) => proxy && set('proxy', proxy)} />
              <span className="field__help">
                Every download and upload uses it unless it has its own (add dialog, details panel). A proxy that fails is an error, never a
                direct connection.
              </span>
            </fieldset>
          )}
          {draft && tab === 'rules' && <RulesPane draft={draft} set={set} />}
          {draft && tab === 'rpc' && <RpcPane draft={draft} set={set} />}
          {draft && tab === 'schedule' && <SchedulePane draft={draft} set={set} />}
          {isDestinations && <DestinationsPane />}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    </Modal>
  );
}
