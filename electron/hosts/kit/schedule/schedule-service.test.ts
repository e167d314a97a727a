// Schedules through the one service, on the engine's manual clock (nothing sleeps): the bandwidth
// timetable writes the limits at its steps and a limit changed by hand holds until the next step;
// queue hours open and close the engine's queue, "Run now" opens it until the next step; when the
// queue finishes the chosen action runs, and sleep / shut down wait 60 s, cancellable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events, ScheduleState } from '../../../../shared/contract';
import type { Settings } from '../../../../shared/settings';
import { ManualClock, settle, sleepThrough } from '../../../../test-support/manual-clock';
import { serviceOverEngine } from '../../../../test-support/service-over-engine';
import { TransferEngine, type TransferWorker } from '../../../engine/index';
import type { FerryService } from '../service/ferry-service';
import type { QueueFinishActions } from './queue-finish';

const MiB = 1024 ** 2;
const HOUR = 3_600_000;
/** Local time: the timetable speaks the machine's local time (the DST cases are in week-steps.test.ts). */
const local = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();

let dataDir: string;
let engine: TransferEngine | undefined;
let service: FerryService | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ferry-schedule-'));
});
afterEach(async () => {
  service?.close();
  await engine?.close();
  [engine, service] = [undefined, undefined];
  await rm(dataDir, { recursive: true, force: true });
});

/** Completes at once, giving each download a file in the data folder. */
const finishingWorker: TransferWorker = {
  async attempt(ctx) {
    const download = ctx.record.transfer.download!;
    return { outcome: 'completed', patch: { download: { ...download, filePath: path.join(download.directory, download.fileName) } } };
  },
  async discard() {},
};

async function open(clock: ManualClock, settings: Partial<Settings> = {}, finishActions?: QueueFinishActions) {
  engine = await TransferEngine.open({ dataDir, clock, workers: { download: finishingWorker }, settings: { maxActive: 2, maxPerHost: 9 } });
  const opened = serviceOverEngine(engine, dataDir, { downloadDirectory: dataDir, ...settings }, finishActions ? { finishActions } : {});
  service = opened.service;
  const events: { settings: Settings[]; schedule: ScheduleState[]; notice: Events['notice'][] } = { settings: [], schedule: [], notice: [] };
  service.subscribe((event, payload) => {
    if (event === 'settings') events.settings.push(payload as Settings);
    if (event === 'schedule') events.schedule.push(payload as ScheduleState);
    if (event === 'notice') events.notice.push(payload as Events['notice']);
  });
  return { service, settingsStore: opened.settingsStore, events };
}

const set = async (s: FerryService, patch: Partial<Settings>) => {
  const reply = await s.handle('setSettings', patch, 'owner');
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value as Settings;
};

describe('the bandwidth timetable', () => {
  it('sets the limits in force, and a limit changed by hand holds until the next step', async () => {
    const clock = new ManualClock(local(2026, 1, 7, 7, 58));
    const { service, settingsStore, events } = await open(clock);
    await set(service, { bandwidthTimetable: '08:00,2M 12:00,10M:1M 18:00,off' });
    // 07:58: yesterday's 18:00 step (off) is in force.
    expect(settingsStore.get()).toMatchObject({ downloadLimit: null, uploadLimit: null });
    await clock.advance(2 * 60_000);
    expect(settingsStore.get()).toMatchObject({ downloadLimit: 2 * MiB, uploadLimit: 2 * MiB });
    expect(engine!.getSettings().downloadLimit).toBe(2 * MiB);
    expect(events.settings.at(-1)?.downloadLimit).toBe(2 * MiB); // the toolbar hears of it
    // 09:00: the user drags the toolbar's limit to 5 MiB; it holds past 11:59 ...
    await clock.advance(HOUR);
    await set(service, { downloadLimit: 5 * MiB });
    await clock.advance(3 * HOUR - 60_001);
    expect(settingsStore.get().downloadLimit).toBe(5 * MiB);
    // ... and the 12:00 step (upload 10M, download 1M, rclone's order) takes over.
    await clock.advance(60_001);
    expect(settingsStore.get()).toMatchObject({ downloadLimit: MiB, uploadLimit: 10 * MiB });
    expect(events.schedule.at(-1)?.nextLimitStep).toBe(local(2026, 1, 7, 18));
  });

  it('a machine asleep through steps gets the latest one within a minute of waking', async () => {
    const clock = new ManualClock(local(2026, 1, 7, 7, 0));
    const { service, settingsStore } = await open(clock);
    await set(service, { bandwidthTimetable: '08:00,2M 12:00,1M 18:00,off 20:00,512K' });
    expect(settingsStore.get().downloadLimit).toBe(512 * 1024);
    const written: Array<number | null> = [];
    service.subscribe((event, payload) => event === 'settings' && written.push((payload as Settings).downloadLimit));
    await sleepThrough(clock, 12 * HOUR); // 07:00 → 19:00, the 08:00, 12:00 and 18:00 steps slept through
    expect(written).toEqual([null]);
    expect(settingsStore.get().downloadLimit).toBeNull();
  });
});

describe('queue hours', () => {
  it('closes the queue outside the hours, opens it at the start, and "Run now" holds it open until the next step', async () => {
    const clock = new ManualClock(local(2026, 1, 7, 12, 0)); // a Wednesday
    const { service, events } = await open(clock);
    await set(service, { queueHours: { enabled: true, start: '22:00', stop: '06:00', days: [0, 1, 2, 3, 4, 5, 6] } });
    expect(engine!.isQueueOpen).toBe(false);
    expect(events.schedule.at(-1)).toMatchObject({ queue: 'closed', nextQueueStep: local(2026, 1, 7, 22) });
    const added = await service.handle('addDownloads', { urls: ['http://127.0.0.1:9/night.bin'] }, 'owner');
    if (!added.ok) throw new Error(added.error.message);
    const [view] = added.value as [{ id: string }];
    await settle();
    expect(engine!.get(view.id)?.state).toBe('queued');
    await clock.advance(10 * HOUR); // 22:00
    expect(engine!.isQueueOpen).toBe(true);
    await settle();
    expect(engine!.get(view.id)?.state).toBe('completed');
    await clock.advance(8 * HOUR); // 06:00 Thursday
    expect(engine!.isQueueOpen).toBe(false);
    // Run now: open until the next step (22:00), then the hours rule again.
    const ran = await service.handle('runQueueNow', undefined, 'owner');
    expect(ran).toMatchObject({ ok: true, value: { queue: 'closed', heldOpen: true } });
    expect(engine!.isQueueOpen).toBe(true);
    await clock.advance(16 * HOUR);
    expect(events.schedule.at(-1)).toMatchObject({ queue: 'open', heldOpen: false });
    await clock.advance(8 * HOUR);
    expect(engine!.isQueueOpen).toBe(false);
    // Queue hours off: the queue is always open.
    await set(service, { queueHours: { enabled: false, start: '22:00', stop: '06:00', days: [1] } });
    expect(engine!.isQueueOpen).toBe(true);
    expect(events.schedule.at(-1)).toMatchObject({ queue: 'always', nextQueueStep: null });
  });
});

describe('when the queue finishes', () => {
  function recordingActions() {
    const calls: string[] = [];
    const actions: QueueFinishActions = {
      notify: (files) => void calls.push(`notify ${files.map((f) => path.basename(f)).join(',')}`),
      openFolder: (files) => void calls.push(`open ${files.length}`),
      runCommand: (command, files) => void calls.push(`run ${command} ${files.length}`),
      sleep: () => void calls.push('sleep'),
      shutdown: () => void calls.push('shutdown'),
    };
    return { calls, actions };
  }

  const addTwo = async (s: FerryService) => {
    const reply = await s.handle('addDownloads', { urls: ['http://127.0.0.1:9/a.bin', 'http://127.0.0.1:9/b.bin'] }, 'owner');
    if (!reply.ok) throw new Error(reply.error.message);
  };

  it('notifies once with the files finished since the queue had work (the default)', async () => {
    const clock = new ManualClock();
    const { calls, actions } = recordingActions();
    const { service } = await open(clock, {}, actions);
    await addTwo(service);
    await settle(20);
    expect(calls).toEqual(['notify a.bin,b.bin']);
  });

  it('sleep waits 60 s, counting down where every UI sees it; cancel stops it; new work stops it too', async () => {
    const clock = new ManualClock();
    const { calls, actions } = recordingActions();
    const { service, events } = await open(clock, { whenQueueFinishes: { action: 'sleep', command: '' } }, actions);
    await addTwo(service);
    await settle(20);
    const started = clock.now();
    expect(events.schedule.at(-1)?.countdown).toEqual({ action: 'sleep', endsAt: started + 60_000 });
    expect(service.snapshot().schedule?.countdown).toEqual({ action: 'sleep', endsAt: started + 60_000 });
    await clock.advance(59_999);
    expect(calls).toEqual([]);
    expect(await service.handle('cancelQueueAction', undefined, 'owner')).toEqual({ ok: true, value: true });
    expect(events.schedule.at(-1)?.countdown).toBeNull();
    await clock.advance(120_000);
    expect(calls).toEqual([]);
    expect(await service.handle('cancelQueueAction', undefined, 'owner')).toEqual({ ok: true, value: false });

    // Again, uncancelled: the machine goes to sleep once, at 60 s.
    await addTwo(service);
    await settle(20);
    await clock.advance(59_999);
    expect(calls).toEqual([]);
    await clock.advance(1);
    expect(calls).toEqual(['sleep']);
    expect(events.schedule.at(-1)?.countdown).toBeNull();
  });

  it('shut down is cancelled by new work arriving during the countdown', async () => {
    const clock = new ManualClock();
    const { calls, actions } = recordingActions();
    const { service, events } = await open(clock, { whenQueueFinishes: { action: 'shutdown', command: '' }, maxActive: 1 }, actions);
    await addTwo(service);
    await settle(20);
    expect(events.schedule.at(-1)?.countdown?.action).toBe('shutdown');
    await clock.advance(30_000);
    const more = await service.handle('addDownloads', { urls: ['http://127.0.0.1:9/c.bin'], paused: false }, 'owner');
    expect(more.ok).toBe(true);
    await settle(20);
    // c finished too: a new countdown from now, not the old one's end.
    expect(events.schedule.at(-1)?.countdown).toEqual({ action: 'shutdown', endsAt: clock.now() + 60_000 });
    await clock.advance(59_999);
    expect(calls).toEqual([]);
    await clock.advance(1);
    expect(calls).toEqual(['shutdown']);
  });

  it('the command and the folder actions get the finished files', async () => {
    const clock = new ManualClock();
    const { calls, actions } = recordingActions();
    const { service } = await open(clock, { whenQueueFinishes: { action: 'run-command', command: '/usr/bin/true' } }, actions);
    await addTwo(service);
    await settle(20);
    await set(service, { whenQueueFinishes: { action: 'open-folder', command: '' } });
    await addTwo(service);
    await settle(20);
    expect(calls).toEqual(['run /usr/bin/true 2', 'open 2']);
  });
});

describe('the reply to setSettings', () => {
  it('carries the limits a new timetable set, so a UI applying the reply shows the limit in force', async () => {
    const clock = new ManualClock(local(2026, 1, 7, 9, 0));
    const { service } = await open(clock);
    const saved = await set(service, { bandwidthTimetable: '08:00,3M', downloadLimit: null });
    expect(saved.downloadLimit).toBe(3 * MiB);
  });
});

describe('a host that runs no schedules (ferry get run alone)', () => {
  it('keeps the queue open and its own limits whatever the saved schedule says', async () => {
    const clock = new ManualClock(local(2026, 1, 7, 12, 0));
    engine = await TransferEngine.open({ dataDir, clock, workers: { download: finishingWorker }, settings: { downloadLimit: 4096 } });
    const saved = { downloadDirectory: dataDir, bandwidthTimetable: '00:00,1M', queueHours: { enabled: true, start: '22:00', stop: '06:00', days: [0, 1, 2, 3, 4, 5, 6] } };
    service = serviceOverEngine(engine, dataDir, saved, { runSchedules: false }).service;
    await clock.advance(24 * HOUR);
    expect(engine.isQueueOpen).toBe(true);
    expect(engine.getSettings().downloadLimit).toBe(4096);
    expect(service.snapshot().schedule).toMatchObject({ queue: 'always', countdown: null });
  });
});
