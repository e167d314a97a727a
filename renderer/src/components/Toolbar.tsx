import { transport } from '../api/current';
import { useRef } from 'react';
import { pauseAll, resumeAll } from '../lib/actions';
import { exportList, openImport } from '../lib/link-lists';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { Icon } from './icons';
import { ScheduleStatus } from './ScheduleStatus';
import { whenText } from './SchedulePane';

const MB = 1024 * 1024;
const LIMITS: Array<[string, number | null]> = [
  ['No limit', null],
  ['512 KiB/s', MB / 2],
  ['1 MiB/s', MB],
  ['2 MiB/s', 2 * MB],
  ['5 MiB/s', 5 * MB],
  ['10 MiB/s', 10 * MB],
  ['50 MiB/s', 50 * MB],
];

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl+';

export function Toolbar() {
  const limit = useTransfers((s) => s.settings?.downloadLimit ?? null);
  const timetable = useTransfers((s) => (s.settings?.bandwidthTimetable ?? '').trim() !== '');
  const nextStep = useTransfers((s) => s.schedule?.nextLimitStep ?? null);
  // The timetable writes the limit at each step, so the select shows the limit in force; a choice here holds until the next step.
  const limitTitle = timetable ? `Download speed limit, set by the timetable${nextStep ? ` (next step ${whenText(nextStep)})` : ''}; a change here holds until the next step` : 'Global download speed limit';
  const detailsOpen = useUi((s) => s.detailsOpen);
  const hasLimitOption = LIMITS.some(([, v]) => v === limit);
  const listFile = useRef<HTMLInputElement>(null);

  async function setLimit(value: string) {
    const bytes = value === '' ? null : Number(value);
    const r = await transport().api.setSettings({ downloadLimit: bytes });
    if (r.ok) useTransfers.getState().setSettings(r.value);
    else useUi.getState().toast(r.error.message, 'error');
  }

  return (
    <header className="toolbar" role="toolbar" aria-label="Main actions">
      <div className="toolbar__brand" aria-hidden="true">
        <span className="logo">
          <Icon name="download" size={14} />
        </span>
        Ferry
      </div>
      <button type="button" className="btn btn--primary" onClick={() => useUi.getState().openAdd()} title={`Add downloads (${mod}N)`}>
        <Icon name="plus" /> Add downloads
      </button>
      <button type="button" className="btn" onClick={() => useUi.getState().openUpload({})}>
        <Icon name="upload" /> Upload
      </button>
      <button type="button" className="btn btn--ghost" onClick={() => listFile.current?.click()} title="Add the links of a text file or an aria2 input file">
        <Icon name="list" /> Import links…
      </button>
      <input
        ref={listFile}
        type="file"
        hidden
        aria-label="List of links to import"
        accept=".txt,.list,.aria2,text/plain"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void openImport(file);
        }}
      />
      <button type="button" className="btn btn--ghost" onClick={() => void exportList()} title="Save every download as a list that Ferry and aria2 can import">
        <Icon name="download" /> Export list…
      </button>
      <span className="toolbar__sep" />
      <button type="button" className="btn btn--ghost" onClick={() => void pauseAll()}>
        <Icon name="pause" /> Pause all
      </button>
      <button type="button" className="btn btn--ghost" onClick={() => void resumeAll()}>
        <Icon name="play" /> Resume all
      </button>
      <span className="toolbar__spacer" />
      <ScheduleStatus />
      <label className={timetable ? 'limit limit--scheduled' : 'limit'} title={limitTitle}>
        <Icon name="gauge" />
        <span className="visually-hidden">Download speed limit</span>
        <select className="input input--compact" aria-label="Download speed limit" value={limit === null ? '' : String(limit)} onChange={(e) => void setLimit(e.target.value)}>
          {!hasLimitOption && limit !== null && <option value={String(limit)}>{Math.round((limit / MB) * 100) / 100} MiB/s</option>}
          {LIMITS.map(([label, v]) => (
            <option key={label} value={v === null ? '' : String(v)}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="icon-btn icon-btn--large" aria-label="Details panel" aria-pressed={detailsOpen} title="Details panel" onClick={() => useUi.getState().setDetailsOpen(!useUi.getState().detailsOpen)}>
        <Icon name="sidebar" size={18} />
      </button>
      <button type="button" className="icon-btn icon-btn--large" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (? or F1)" onClick={() => useUi.getState().openDialog({ kind: 'shortcuts' })}>
        <span aria-hidden="true" className="icon-btn__text">?</span>
      </button>
      <button type="button" className="icon-btn icon-btn--large" aria-label="Settings" title={`Settings (${mod},)`} onClick={() => useUi.getState().openDialog({ kind: 'settings' })}>
        <Icon name="gear" size={18} />
      </button>
    </header>
  );
}
