// The schedule in the toolbar: a queue outside its hours (with "Run now"), and the 60-second
// countdown before the computer sleeps or shuts down after the queue finished (with Cancel).
import { useEffect, useState } from 'react';
import { transport } from '../api/current';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { whenText } from './SchedulePane';

function useSecondsLeft(endsAt: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (endsAt === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [endsAt]);
  return endsAt === undefined ? 0 : Math.max(0, Math.ceil((endsAt - now) / 1000));
}

export function ScheduleStatus() {
  const schedule = useTransfers((s) => s.schedule);
  const seconds = useSecondsLeft(schedule?.countdown?.endsAt);
  if (!schedule) return null;

  const fail = (message: string) => useUi.getState().toast(message, 'error');
  async function runNow() {
    const r = await transport().api.runQueueNow();
    if (r.ok) useTransfers.getState().setSchedule(r.value);
    else fail(r.error.message);
  }
  async function cancel() {
    const r = await transport().api.cancelQueueAction();
    if (!r.ok) fail(r.error.message);
  }

  if (schedule.countdown) {
    return (
      <div className="schedule-chip schedule-chip--alert" role="alert">
        {schedule.countdown.action === 'sleep' ? 'Sleeping' : 'Shutting down'} in {seconds} s
        <button type="button" className="btn btn--small" onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
    );
  }
  if (schedule.queue === 'closed' && !schedule.heldOpen) {
    return (
      <div className="schedule-chip" title="Queue hours: Settings › Schedule">
        Queue waits{schedule.nextQueueStep ? ` until ${whenText(schedule.nextQueueStep)}` : ''}
        <button type="button" className="btn btn--small" onClick={() => void runNow()}>
          Run now
        </button>
      </div>
    );
  }
  return null;
}
