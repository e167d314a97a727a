// The contract is the one gate for input crossing a process boundary: whatever arrives, every
// request either parses to valid input or yields a readable error value; it never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, parseRequest, REQUEST_NAMES, requests, type RequestName } from './contract';
import * as names from './names';

const destination = {
  name: 'Share',
  url: 'https://uploads.example/{filename}',
  method: 'PUT',
  protocol: 'raw',
  headers: [{ name: 'Authorization', value: 'Bearer x', secret: true }],
};

/** One valid input per request; the malformed ones below are mutations of these. */
const VALID: Record<RequestName, unknown> = {
  snapshot: undefined,
  addDownloads: { urls: ['http://127.0.0.1:8080/file.bin'], fileName: 'a.bin' },
  describeStream: { url: 'http://127.0.0.1:8080/master.m3u8' },
  addUploads: { paths: ['/tmp/a.bin'], destinationId: 'd1' },
  addUploadsTo: { uploads: [{ path: '/tmp/a.bin', url: 'http://127.0.0.1:8080/up/a.bin' }], method: 'PUT', protocol: 'raw', headers: [{ name: 'Authorization', value: 'Bearer x' }] },
  pause: { ids: ['t1'] },
  resume: { ids: ['t1', 't2'] },
  cancel: { ids: ['t1'] },
  retry: { ids: ['t1'] },
  remove: { ids: ['t1'], deleteFiles: false },
  pauseAll: undefined,
  resumeAll: undefined,
  reorder: { id: 't1', toIndex: 0 },
  setTransferSpeedLimit: { id: 't1', bytesPerSecond: null },
  setTransferProxy: { id: 't1', proxy: null },
  setDownloadAddress: { id: 't1', url: 'http://127.0.0.1:8080/new.bin', as: 'address' },
  changeDownloadUrls: { id: 't1', remove: ['http://127.0.0.1:8080/old.bin'], add: ['http://127.0.0.1:8081/new.bin'], position: 0 },
  setTransferPriority: { id: 't1', priority: 'high' },
  getSettings: undefined,
  setSettings: { maxActive: 4 },
  listDestinations: undefined,
  createDestination: destination,
  updateDestination: { id: 'd1', destination },
  deleteDestination: { id: 'd1' },
  openFile: { id: 't1' },
  showInFolder: { id: 't1' },
  chooseUploadFiles: undefined,
  chooseDownloadFolder: undefined,
  copyRpcSecret: undefined,
  rpcInfo: undefined,
  importLinks: { text: 'http://127.0.0.1:8080/a.bin\n  out=b.bin\n', directory: '/tmp/in' },
  exportList: { ids: ['t1'] },
  runQueueNow: undefined,
  cancelQueueAction: undefined,
  answerContinueOffer: { offerId: 'o1', answer: 'continue' },
};

/** Hand-picked malformed inputs per request, beyond the generated ones. */
const MALFORMED: Partial<Record<RequestName, unknown[]>> = {
  answerContinueOffer: [{ offerId: 'o1' }, { offerId: 'o1', answer: 'yes' }, { offerId: '', answer: 'continue' }, { offerId: 'o1', answer: 'continue', heldId: 't1' }],
  describeStream: [{}, { url: 'file:///etc/passwd' }, { url: 'not a url' }, { url: 'http://127.0.0.1/m.m3u8', variant: 'best' }, { urls: ['http://127.0.0.1/m.m3u8'] }],
  changeDownloadUrls: [
    { id: 't1', remove: [], add: ['ftp://127.0.0.1/x'] },
    { id: 't1', remove: [], add: [], position: -1 },
  ],
  setDownloadAddress: [
    { id: 't1', url: '', as: 'address' },
    { id: 't1', url: 'http://127.0.0.1/x', as: 'primary' },
    { id: 't1', url: 'http://127.0.0.1/x' },
  ],
  importLinks: [{ text: 'x'.repeat(8 * 1024 * 1024 + 1) }, { text: 'http://a.test/x', directory: 'relative/folder' }, { text: 3 }],
  setTransferPriority: [{ id: 't1', priority: 'urgent' }, { id: 't1' }],
  setTransferProxy: [
    { id: 't1', proxy: { mode: 'manual', all: 'http://a b' } },
    { id: 't1', proxy: { mode: 'pac' } },
    { id: 't1', proxy: { mode: 'none', all: 'http://p.test' } },
  ],
  addDownloads: [
    { urls: ['http://127.0.0.1:8080/a.bin'], sizeHint: -1 },
    { urls: ['http://127.0.0.1:8080/a.bin'], sizeHint: 1.5 },
    { urls: ['http://127.0.0.1:8080/a.bin'], sizeHint: '10' },
    { urls: [] },
    { urls: ['ftp://127.0.0.1/x'] },
    { urls: ['file:///etc/passwd'] },
    { urls: ['javascript:alert(1)'] },
    { urls: ['not a url'] },
    { urls: ['http://127.0.0.1/x'], sha256: 'abc' },
    { urls: ['http://127.0.0.1/x'], fileName: '' },
    { urls: ['http://127.0.0.1/x'], directory: '~/.config/autostart' },
    { urls: ['http://127.0.0.1/x'], directory: 'downloads' },
  ],
  addUploadsTo: [
    { uploads: [], method: 'PUT', protocol: 'raw' },
    { uploads: [{ path: 'relative/a.bin', url: 'http://127.0.0.1/up' }], method: 'PUT', protocol: 'raw' },
    { uploads: [{ path: '/a.bin', url: 'file:///tmp/b' }], method: 'PUT', protocol: 'raw' },
    { uploads: [{ path: '/a.bin', url: 'http://127.0.0.1/up' }], method: 'PATCH', protocol: 'raw' },
    { uploads: [{ path: '/a.bin', url: 'http://127.0.0.1/up' }], method: 'PUT', protocol: 'raw', headers: [{ name: 'X-A', value: 'a\r\nX-B: b' }] },
    { uploads: [{ path: '/a.bin', url: 'http://127.0.0.1/up' }], method: 'PUT', protocol: 'raw', bytesPerSecond: 0 },
  ],
  addUploads: [
    { paths: [], destinationId: 'd1' },
    { paths: ['/a'] },
    { paths: [''], destinationId: 'd1' },
    { destinationId: 'd1' },
    { handles: [], destinationId: 'd1' },
    { handles: ['h'.repeat(65)], destinationId: 'd1' },
  ],
  pause: [{ ids: [] }, { ids: [''] }, { ids: ['x'.repeat(65)] }, { id: 't1' }],
  remove: [{ ids: ['t1'] }, { ids: ['t1'], deleteFiles: 'yes' }],
  reorder: [{ id: 't1', toIndex: -1 }, { id: 't1', toIndex: 1.5 }, { id: 't1', toIndex: Number.NaN }],
  setTransferSpeedLimit: [{ id: 't1', bytesPerSecond: 0 }, { id: 't1', bytesPerSecond: -5 }, { id: 't1' }],
  setSettings: [{ maxActive: 0 }, { maxActive: '3' }, { downloadDirectory: '' }, { downloadDirectory: 'Downloads' }, { downloadDirectory: `/${'d'.repeat(1100)}` }, { closeToTray: 1 }, { unknownSetting: true },
    { bandwidthTimetable: '25:00,1M' }, { queueHours: { enabled: true, start: '09:00', stop: '09:00', days: [1] } }, { whenQueueFinishes: { action: 'run-command', command: '' } }],
  createDestination: [
    { ...destination, url: 'ftp://x/y' },
    { ...destination, method: 'GET' },
    { ...destination, protocol: 'smtp' },
    { ...destination, headers: [{ name: 'X-Evil', value: 'a\r\nInjected: 1', secret: false }] },
    { ...destination, headers: [{ name: 'bad name', value: 'x', secret: false }] },
    { ...destination, id: 'chosen-by-ui' },
  ],
  updateDestination: [{ id: 'd1' }, { id: '', destination }],
};

function expectInvalid(name: RequestName, input: unknown): void {
  const parsed = parseRequest(name, input);
  expect(parsed.ok, `${name} accepted ${safeShow(input)}`).toBe(false);
  if (!parsed.ok) {
    expect(parsed.error.code).toBe('INVALID_INPUT');
    expect(parsed.error.message).toMatch(new RegExp(`^Invalid input for ${name}: .+`));
  }
}

function safeShow(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

describe('contract table', () => {
  it('has a valid example for every request, and the examples parse', () => {
    expect(Object.keys(VALID).sort()).toEqual([...REQUEST_NAMES].sort());
    for (const name of REQUEST_NAMES) {
      const parsed = parseRequest(name, VALID[name]);
      expect(parsed, name).toMatchObject({ ok: true, name });
    }
  });

  it('rejects unknown request names, including inherited object keys', () => {
    const hostile = { toString: 0, valueOf: 0 }; // String(hostile) throws
    for (const name of ['nope', 'toString', '__proto__', 'constructor', 'hasOwnProperty', '', 42, null, undefined, {}, hostile, Symbol('x')]) {
      const parsed = parseRequest(name, undefined);
      expect(parsed).toMatchObject({ ok: false, error: { code: 'UNKNOWN_REQUEST' } });
    }
  });

  it('rejects the hand-picked malformed inputs with a readable error value', () => {
    for (const [name, inputs] of Object.entries(MALFORMED) as [RequestName, unknown[]][]) {
      for (const input of inputs) expectInvalid(name, input);
    }
  });

  it('rejects primitives, arrays and null for every request that takes an object', () => {
    const notAnObject = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.anything(), { maxLength: 5 }),
    );
    for (const name of REQUEST_NAMES) {
      fc.assert(fc.property(notAnObject, (input) => expectInvalid(name, input)), { numRuns: 60 });
    }
  });

  it('rejects any input at all for requests that take none', () => {
    const noInput = REQUEST_NAMES.filter((n) => requests[n].input.safeParse(undefined).success && VALID[n] === undefined);
    expect(noInput).toEqual(expect.arrayContaining(['snapshot', 'pauseAll', 'resumeAll', 'getSettings', 'listDestinations']));
    for (const name of noInput) {
      fc.assert(
        fc.property(fc.anything().filter((v) => v !== undefined), (input) => expectInvalid(name, input)),
        { numRuns: 60 },
      );
    }
  });

  it('rejects a valid input with one field replaced by a value of the wrong type', () => {
    const objectRequests = REQUEST_NAMES.filter((n) => VALID[n] !== undefined);
    const wrongType = fc.oneof(fc.constant(null), fc.integer({ min: -3, max: 3 }), fc.object({ maxDepth: 1 }), fc.constant([]));
    for (const name of objectRequests) {
      const valid = VALID[name] as Record<string, unknown>;
      const keys = Object.keys(valid);
      fc.assert(
        fc.property(fc.constantFrom(...keys), wrongType, (key, value) => {
          const mutated = { ...valid, [key]: value };
          const current = valid[key];
          // Same kind of value as the valid one may be legitimate (e.g. another index); so may a
          // number where the valid example holds null (a nullable rate).
          if (typeof value === typeof current && Array.isArray(value) === Array.isArray(current) && (value === null) === (current === null)) return;
          if (current === null && typeof value === 'number') return;
          expectInvalid(name, mutated);
        }),
        { numRuns: 40 },
      );
    }
  });

  it('rejects unknown extra keys (strict objects), including prototype-polluting ones', () => {
    for (const name of REQUEST_NAMES.filter((n) => VALID[n] !== undefined)) {
      expectInvalid(name, { ...(VALID[name] as object), extra: 1 });
      expectInvalid(name, JSON.parse(`{ ${JSON.stringify(VALID[name]).slice(1, -1)}${JSON.stringify(VALID[name]) === '{}' ? '' : ','} "__proto__": { "polluted": true } }`));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws, whatever the name and input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...REQUEST_NAMES), fc.anything()), fc.anything(), (name, input) => {
        const parsed = parseRequest(name, input);
        if (parsed.ok) {
          // Whatever got through must be exactly what the schema says.
          expect(requests[parsed.name].input.safeParse(parsed.input).success).toBe(true);
        } else {
          expect(parsed.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('request and event names', () => {
  it('are the one list in shared/names.ts, and the table has a request for each, in order', () => {
    expect(REQUEST_NAMES).toBe(names.REQUEST_NAMES);
    expect(EVENT_NAMES).toBe(names.EVENT_NAMES);
    expect(Object.keys(requests)).toEqual([...names.REQUEST_NAMES]);
  });
});
