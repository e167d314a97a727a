// Settings › Schedule: the bandwidth timetable (rclone's --bwlimit syntax, checked as it is typed
// with the parser the host uses), queue hours with "Run now", and what happens when the queue finishes.
import { DAY_NAMES, parseBandwidthTimetable } from '../../../shared/schedule/bwlimit';
import type { QueueFinishAction, Settings } from '../../../shared/settings';
import { formatSpeed } from '../../../shared/format-size';
import { transport } from '../api/current';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';

interface Props {
  draft: Settings;
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
}

const ACTIONS: Array<[QueueFinishAction, string]> = [
  ['notify', 'Notify me'],
  ['open-folder', 'Open the folder'],
  ['run-command', 'Run a command'],
  ['sleep', 'Put the computer to sleep'],
  ['shutdown', 'Shut the computer down'],
];

/** Monday first, as most calendars people set hours in. */
const WEEK = [1, 2, 3, 4, 5, 6, 0];

const rate = (bytes: number | null) => (bytes === null ? 'no limit' : formatSpeed(bytes));

export function whenText(at: number | null): string {
  if (at === null) return '';
  const d = new Date(at);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return new Date().toDateString() === d.toDateString() ? time : `${DAY_NAMES[d.getDay()]} ${time}`;
}

function timetableSummary(text: string): { ok: boolean; message: string } {
  if (text.trim() === '') return { ok: true, message: 'No timetable: the limits on the Transfers tab hold.' };
  const parsed = parseBandwidthTimetable(text);
  if (!parsed.ok) return { ok: false, message: parsed.error };
  const steps = parsed.value.length;
  const first = parsed.value[0]!.value;
  return { ok: true, message: steps === 1 ? `All week: download ${rate(first.download)}, upload ${rate(first.upload)}.` : `${steps} steps a week.` };
}

export function SchedulePane({ draft, set }: Props) {
  const schedule = useTransfers((s) => s.schedule);
  const summary = timetableSummary(draft.bandwidthTimetable);
  const hours = draft.queueHours;
  const setHours = (patch: Partial<Settings['queueHours']>) => set('queueHours', { ...hours, ...patch });
  const finish = draft.whenQueueFinishes;

  async function runNow() {
    const r = await transport().api.runQueueNow();
    if (r.ok) useTransfers.getState().setSchedule(r.value);
    else useUi.getState().toast(r.error.message, 'error');
  }

  return (
    <>
      <fieldset className="group">
        <legend>Bandwidth timetable</legend>
        <label className="field">
          <span className="field__label">Steps (rclone’s --bwlimit timetable)</span>
          <input
            className="input input--mono"
            placeholder="08:00,2M 18:00,off Sat-00:00,off"
            spellCheck={false}
            aria-invalid={!summary.ok}
            aria-describedby="timetable-help"
            value={draft.bandwidthTimetable}
            onChange={(e) => set('bandwidthTimetable', e.target.value)}
          />
        </label>
        <span className={summary.ok ? 'field__help' : 'field__error'} role={summary.ok ? undefined : 'alert'} id="timetable-help">
          {summary.message}
        </span>
        <span className="field__help">
          Each step is <code>[Day-]HH:MM,rate</code>: a rate in KiB/s or with K, M, G (<code>2M</code>), <code>off</code> for none, or{' '}
          <code>upload:download</code> (<code>10M:1M</code>). A limit you change by hand holds until the next step.
          {schedule?.nextLimitStep ? ` Next step: ${whenText(schedule.nextLimitStep)}.` : ''}
        </span>
      </fieldset>
      <fieldset className="group">
        <legend>Queue hours</legend>
        <label className="check">
          <input type="checkbox" checked={hours.enabled} onChange={(e) => setHours({ enabled: e.target.checked })} />
          <span>Start transfers only between these times</span>
        </label>
        <div className="schedule-hours">
          <label className="field field--inline">
            <span className="field__label">Start at</span>
            <input className="input input--num" type="time" value={hours.start} disabled={!hours.enabled} onChange={(e) => setHours({ start: e.target.value })} />
          </label>
          <label className="field field--inline">
            <span className="field__label">Stop at</span>
            <input className="input input--num" type="time" value={hours.stop} disabled={!hours.enabled} onChange={(e) => setHours({ stop: e.target.value })} />
          </label>
        </div>
        <div className="schedule-days" role="group" aria-label="Days the queue starts">
          {WEEK.map((day) => (
            <label key={day} className="check check--day">
              <input
                type="checkbox"
                disabled={!hours.enabled}
                checked={hours.days.includes(day)}
                onChange={(e) => setHours({ days: e.target.checked ? [...hours.days, day].sort() : hours.days.filter((d) => d !== day) })}
              />
              <span>{DAY_NAMES[day]}</span>
            </label>
          ))}
        </div>
        <span className="field__help">
          Outside the hours queued transfers wait and running ones go back to the queue, keeping what they have. A stop time before the start
          time ends the next morning.
        </span>
        {schedule && schedule.queue !== 'always' && (
          <p className="schedule-status" aria-live="polite">
            {schedule.queue === 'open' || schedule.heldOpen ? 'The queue runs' : 'The queue waits'}
            {schedule.heldOpen ? ' (run now)' : ''}
            {schedule.nextQueueStep ? ` until ${whenText(schedule.nextQueueStep)}.` : '.'}{' '}
            {schedule.queue === 'closed' && !schedule.heldOpen && (
              <button type="button" className="btn btn--small" onClick={() => void runNow()}>
                Run now
              </button>
            )}
          </p>
        )}
      </fieldset>
      <fieldset className="group">
        <legend>When the queue finishes</legend>
        <label className="field field--inline">
          <span className="field__label">Then</span>
          <select className="input" value={finish.action} onChange={(e) => set('whenQueueFinishes', { ...finish, action: e.target.value as QueueFinishAction })}>
            {ACTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {finish.action === 'run-command' && (
          <label className="field">
            <span className="field__label">Command</span>
            <input className="input input--mono" spellCheck={false} placeholder="/home/you/bin/after-downloads.sh --quiet" value={finish.command} onChange={(e) => set('whenQueueFinishes', { ...finish, command: e.target.value })} />
            <span className="field__help">The finished files are added as its last arguments, one each. It runs without a shell: put pipes and redirections in a script.</span>
          </label>
        )}
        {(finish.action === 'sleep' || finish.action === 'shutdown') && <span className="field__help">Ferry counts down 60 seconds first; you can cancel from its window.</span>}
      </fieldset>
    </>
  );
}
