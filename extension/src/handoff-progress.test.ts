import { expect, test } from 'vitest';
import { formatBytes } from './format';
import { progressLine } from './handoff-progress';
import { addHandoff, MAX_HANDOFFS } from './handoff-log';

test('each aria2 state in words, with binary units', () => {
  const files = [{ path: '/home/u/Downloads/Launch day.mp4' }];
  expect(progressLine({ status: 'active', totalLength: String(50 * 1024 * 1024), completedLength: String(20 * 1024 * 1024), downloadSpeed: String(1536 * 1024), files })).toEqual({
    percent: 40,
    text: '40% · 20.0 MiB of 50.0 MiB · 1.5 MiB/s',
    tone: 'active',
    fileName: 'Launch day.mp4',
  });
  expect(progressLine({ status: 'active', totalLength: '0', completedLength: '2048', downloadSpeed: '0' })).toEqual({ text: '2.0 KiB', tone: 'active' });
  expect(progressLine({ status: 'complete', totalLength: '52428800', completedLength: '52428800', files })).toMatchObject({ percent: 100, text: 'Done · 50.0 MiB', tone: 'done' });
  expect(progressLine({ status: 'error', errorMessage: 'Server says: Not Found', totalLength: '0', completedLength: '0' })).toMatchObject({ text: 'Failed: Server says: Not Found', tone: 'failed' });
  expect(progressLine({ status: 'paused', totalLength: '100', completedLength: '50' })).toMatchObject({ text: 'Paused · 50 B of 100 B', percent: 50 });
  expect(progressLine({ status: 'waiting', totalLength: '0', completedLength: '0' }).text).toBe('Waiting in Ferry\'s queue');
  expect(progressLine({ status: 'removed' }).text).toBe('Canceled in Ferry');
  expect(progressLine(undefined)).toEqual({ text: 'No longer in Ferry', tone: 'idle' });
  expect(formatBytes(1023)).toBe('1023 B');
  expect(formatBytes(300 * 1024 * 1024 * 1024)).toBe('300 GiB');
});

test('the handoff log keeps the newest first, once per GID, at most MAX_HANDOFFS', () => {
  const record = (gid: string, at: number) => ({ gid, url: `https://x.test/${gid}`, name: gid, kind: 'link' as const, at });
  let list = addHandoff([], record('a', 1));
  list = addHandoff(list, record('b', 2));
  list = addHandoff(list, record('a', 3));
  expect(list.map((r) => [r.gid, r.at])).toEqual([['a', 3], ['b', 2]]);
  for (let i = 0; i < MAX_HANDOFFS + 3; i++) list = addHandoff(list, record(`g${i}`, 10 + i));
  expect(list).toHaveLength(MAX_HANDOFFS);
  expect(list[0]!.gid).toBe(`g${MAX_HANDOFFS + 2}`);
});
