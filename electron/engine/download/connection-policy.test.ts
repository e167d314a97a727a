// The connection-count policy called directly: when a download is split, and how a running one's
// count answers refusals, the host's budget and the ramp (whose arithmetic connection-ramp.test.ts covers).
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings-defaults';
import { ConnectionTarget, connectionCountFor, connectionsAskedFor, shouldSegment } from './connection-policy';
import { DEFAULT_CONNECTIONS_PER_HOST, HostConnectionPool } from './host-pool';
import { DEFAULT_CONNECTIONS, segmentSettingsFrom } from './worker-settings';

const MIB = 1 << 20;
const policy = { connections: 8, minSplitBytes: MIB, hasValidator: true };

describe('shouldSegment', () => {
  it('splits a file of at least two minimum ranges whose server offers ranges and a validator', () => {
    expect(shouldSegment(2 * MIB, true, policy)).toBe(true);
  });

  it('keeps one connection for what cannot be split safely or usefully', () => {
    expect(shouldSegment(2 * MIB - 1, true, policy)).toBe(false); // too small
    expect(shouldSegment(null, true, policy)).toBe(false); // size unknown
    expect(shouldSegment(64 * MIB, false, policy)).toBe(false); // no ranges
    expect(shouldSegment(64 * MIB, true, { ...policy, hasValidator: false })).toBe(false); // no If-Range
    expect(shouldSegment(64 * MIB, true, { ...policy, connections: 1 })).toBe(false);
  });
});

describe('connectionCountFor', () => {
  const settings = { connections: 8, minSplitBytes: MIB, pool: new HostConnectionPool(), checkpointIntervalMs: 1000 };
  it("takes the request's own count over the default, clamped to 1-32", () => {
    expect(connectionCountFor({ url: 'http://127.0.0.1/', directory: '.' }, settings)).toBe(8);
    expect(connectionCountFor({ url: 'http://127.0.0.1/', directory: '.', connections: 3 }, settings)).toBe(3);
    expect(connectionCountFor({ url: 'http://127.0.0.1/', directory: '.', connections: 99 }, settings)).toBe(32);
  });
});

describe('the default count', () => {
  it("is the per-host budget, in the worker and in the settings every host copies into a download", () => {
    expect(DEFAULT_CONNECTIONS).toBe(16);
    expect(DEFAULT_CONNECTIONS).toBe(DEFAULT_CONNECTIONS_PER_HOST);
    expect(segmentSettingsFrom({}).connections).toBe(16);
    expect(DEFAULT_SETTINGS.connectionsPerDownload).toBe(DEFAULT_CONNECTIONS);
  });

  it('a count copied in as a default ramps; a count someone named opens at once', () => {
    const url = { url: 'http://127.0.0.1/', directory: '.' };
    expect(connectionsAskedFor(url)).toBe(false);
    expect(connectionsAskedFor({ ...url, connections: 16, connectionsByDefault: true })).toBe(false);
    expect(connectionsAskedFor({ ...url, connections: 16 })).toBe(true);
  });
});

describe('ConnectionTarget', () => {
  it('starts with one connection unless the user named the count', () => {
    expect(new ConnectionTarget(16, false, 0, 0, () => undefined).wanted).toBe(1);
    expect(new ConnectionTarget(16, true, 0, 0, () => undefined).wanted).toBe(16);
  });

  it('stays below the count at which the server refused another connection, and says so', () => {
    const logs: string[] = [];
    const count = new ConnectionTarget(16, true, 0, 0, (_level, message) => logs.push(message));
    count.refused(5, '503');
    expect(count.wanted).toBe(4);
    expect(logs).toEqual(['Using 4 connection(s): the server refused another (503)']);
    count.refused(9, '503'); // more were open than allowed now: the limit never rises
    expect(count.wanted).toBe(4);
    expect(logs).toHaveLength(1);
  });

  it("keeps no more than the host's fair share", () => {
    const count = new ConnectionTarget(16, true, 0, 0, () => undefined);
    expect(count.keep(6)).toBe(6);
    expect(count.keep(32)).toBe(16);
  });

  it('logs the first window once, and the way back to fewer connections', () => {
    const logs: string[] = [];
    const count = new ConnectionTarget(8, false, 0, 0, (_level, message) => logs.push(message));
    count.update(200, 2 * MIB, 1); // 10 MiB/s on one: open all eight
    expect(count.wanted).toBe(8);
    count.update(1200, 2 * MIB + 10.5 * MIB, 8); // hardly faster with eight: back to one
    expect(count.wanted).toBe(1);
    count.update(1400, 15 * MIB, 1);
    expect(logs).toEqual(['One connection gave 10.0 MiB/s: opening 8', 'Using 1 connection(s): more did not make the download faster']);
  });
});
