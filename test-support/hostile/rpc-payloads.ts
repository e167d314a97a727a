// The fuzzed JSON-RPC messages of the aria2 RPC attack (rpc-attack.ts): seeded, malformed for
// every method, so that each must be answered with an error and change nothing.
import fc from 'fast-check';
import { SEED } from './settings';

export const SECRET = 'hostile-rpc-secret-2f1c9a';
/** The secret of an earlier run (rotated since): replayed, it must not open the door. */
export const OLD_SECRET = 'hostile-rpc-secret-of-an-earlier-run';
const UNKNOWN_GID = '0123456789abcdef';

/**
 * Names every plain object answers to: in every run whatever the seed (seed 282559896 once found
 * `toString` answered as a method), as method names, multicall entries and option names.
 */
export const PROTOTYPE_NAMES = [
  'toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable',
  'toLocaleString', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
];

function prototypePayloads(): { text: string; why: string }[] {
  const call = (method: string, params: unknown[]) => JSON.stringify({ jsonrpc: '2.0', id: 'p', method, params });
  return PROTOTYPE_NAMES.flatMap((name) => [
    call(name, [`token:${SECRET}`]),
    call(name, []),
    call(`aria2.${name}`, [`token:${SECRET}`]),
    call(`system.${name}`, [`token:${SECRET}`]),
    JSON.stringify([{ jsonrpc: '2.0', id: 1, method: name, params: [`token:${SECRET}`] }]),
    call('system.multicall', [[{ methodName: name, params: [`token:${SECRET}`] }, { methodName: `aria2.${name}`, params: [`token:${SECRET}`] }]]),
    // As an option name ("__proto__" written as JSON text: an object literal would set a prototype).
    `{"jsonrpc":"2.0","id":"p","method":"aria2.addUri","params":["token:${SECRET}",["http://127.0.0.1:9/p"],{"${name}":{"dir":"/"},"pause":"true"}]}`,
  ]).map((text) => ({ text, why: 'prototype name' }));
}

/**
 * Seeded malformed JSON-RPC messages for every method, after the prototype-name payloads every run
 * sends; none is a valid call that may succeed (an empty multicall, answered [] as by aria2, is left out).
 */
export function payloads(methods: string[], knownGid: string, count: number): { text: string; why: string }[] {
  const token = fc.oneof(
    fc.constant(undefined),
    fc.constant(`token:${OLD_SECRET}`),
    fc.constant(`token:${SECRET}x`),
    fc.constant(SECRET),
    fc.constant(`token:${SECRET.toUpperCase()}`),
    fc.constant(`token:${SECRET}\u0000`),
    fc.anything(),
  );
  const huge = fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -1, 2 ** 53, 0.5, '1e309', -0);
  const junk = fc.oneof(fc.anything({ withNullPrototype: false }), huge, fc.string(), fc.array(fc.anything(), { maxLength: 3 }));
  // A prefix of the held download's GID names it (as in aria2): not malformed, so never sent.
  const gid = fc.oneof(fc.constant(UNKNOWN_GID), fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 1, maxLength: 20 }), junk).filter((v) => typeof v !== 'string' || !knownGid.startsWith(v.toLowerCase()));
  const badUris = fc.oneof(
    fc.constant([]),
    fc.constant('http://127.0.0.1/a'),
    fc.constant([['http://127.0.0.1/a']]),
    fc.array(fc.constantFrom('ftp://127.0.0.1/x', 'file:///etc/passwd', 'javascript:alert(1)', ' http://x', 'data:,x', ''), { minLength: 1, maxLength: 3 }),
    fc.array(fc.oneof(fc.integer(), fc.constant(null), fc.object()), { minLength: 1, maxLength: 3 }),
    junk,
  );
  const badOptions = fc.oneof(
    fc.constantFrom(
      { split: '99' },
      { split: 'lots' },
      { 'max-download-limit': '-1' },
      { 'max-download-limit': '1e309' },
      { gid: '0000000000000000' },
      { gid: 'xyz' },
      { out: '../../etc/passwd' },
      { dir: '' },
      { pause: 'yes' },
      { checksum: 'md5=abc' },
      { header: 'Evil\r\nInjected: 1' },
      { split: 4 },
      { dir: ['a', 1] },
    ),
    fc.array(junk),
    fc.constant(null),
    fc.string(),
  );
  const badGlobal = fc.oneof(
    fc.constantFrom({ 'max-concurrent-downloads': 'many' }, { 'max-concurrent-downloads': '0' }, { 'max-overall-download-limit': '-5' }, { dir: 5 }, { dir: '' }),
    fc.constant(null),
    fc.array(junk),
    fc.string(),
  );
  // Params after the token, per method: shapes that must be refused even with the right secret.
  const badParams = (method: string): fc.Arbitrary<unknown[]> => {
    switch (method) {
      case 'aria2.addUri':
        return fc.oneof(fc.tuple(badUris), fc.tuple(badUris, junk), fc.tuple(fc.constant(['http://127.0.0.1:9/x']), badOptions), fc.tuple(fc.constant(['http://127.0.0.1:9/x']), fc.constant({ pause: 'true' }), fc.oneof(junk, fc.constant(0.5), fc.constant('1')).filter((v) => v !== undefined && !Number.isInteger(v))));
      case 'aria2.tellWaiting':
      case 'aria2.tellStopped':
        return fc.oneof(fc.tuple(junk.filter((v) => !Number.isInteger(v)), fc.integer()), fc.tuple(fc.integer(), junk.filter((v) => !Number.isInteger(v))), fc.tuple(fc.integer(), fc.integer(), junk.filter((v) => v !== undefined && !Array.isArray(v))), fc.constant([] as unknown[]));
      case 'aria2.tellActive':
        return fc.tuple(junk.filter((v) => v !== undefined && !(Array.isArray(v) && v.every((k) => typeof k === 'string'))));
      case 'aria2.changePosition':
        return fc.oneof(fc.tuple(gid, fc.integer(), fc.constant('POS_SET')), fc.tuple(fc.constant(knownGid), junk.filter((v) => !Number.isInteger(v)), fc.constant('POS_SET')), fc.tuple(fc.constant(knownGid), fc.integer(), junk.filter((v) => v !== 'POS_SET' && v !== 'POS_CUR' && v !== 'POS_END')));
      case 'aria2.changeOption':
        return fc.oneof(fc.tuple(gid, fc.constant({})), fc.tuple(fc.constant(knownGid), badOptions));
      case 'aria2.changeGlobalOption':
        return fc.tuple(badGlobal);
      case 'aria2.tellStatus':
        return fc.oneof(fc.tuple(gid), fc.tuple(fc.constant(knownGid), junk.filter((v) => v !== undefined && !(Array.isArray(v) && v.every((k) => typeof k === 'string')))));
      case 'aria2.pause':
      case 'aria2.forcePause':
      case 'aria2.remove':
      case 'aria2.forceRemove':
      case 'aria2.unpause':
      case 'aria2.getUris':
      case 'aria2.getFiles':
      case 'aria2.getPeers':
      case 'aria2.getServers':
      case 'aria2.getOption':
      case 'aria2.removeDownloadResult':
        return fc.tuple(gid);
      case 'aria2.changeUri':
      case 'aria2.addTorrent':
      case 'aria2.addMetalink':
        return fc.array(junk, { maxLength: 4 });
      default:
        return fc.constant([]); // no-params methods succeed with the secret: only sent without it
    }
  };
  const hasBadParams = (m: string) => !['aria2.pauseAll', 'aria2.forcePauseAll', 'aria2.unpauseAll', 'aria2.getGlobalOption', 'aria2.getGlobalStat', 'aria2.purgeDownloadResult', 'aria2.getVersion', 'aria2.getSessionInfo', 'aria2.saveSession', 'aria2.shutdown', 'aria2.forceShutdown'].includes(m);
  const callArb = fc.constantFrom(...methods.filter((m) => m.startsWith('aria2.'))).chain((method) =>
    fc.oneof(
      // The right secret and malformed params (only methods that take params).
      ...(hasBadParams(method) ? [badParams(method).map((params) => ({ method, params: [`token:${SECRET}`, ...params], why: 'bad params' }))] : []),
      // Any params without the right secret.
      fc.tuple(token, fc.array(junk, { maxLength: 3 })).map(([t, rest]) => ({ method, params: t === undefined ? rest : [t, ...rest], why: 'no/wrong token' })),
    ),
  );
  const unknownMethod = fc.oneof(fc.string(), fc.constantFrom('aria2.', 'aria2.__proto__', 'aria2.constructor', 'aria2.toString', 'system.multicall ', 'ARIA2.addUri')).map((method) => ({ method, params: [`token:${SECRET}`], why: 'unknown method' }));
  const oneCall = fc.oneof({ weight: 8, arbitrary: callArb }, { weight: 1, arbitrary: unknownMethod });
  const id = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null));
  const envelope = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(oneCall, id).map(([c, i]) => ({ value: { jsonrpc: '2.0', id: i, method: c.method, params: c.params } as unknown, why: c.why })) },
    { weight: 2, arbitrary: fc.array(fc.tuple(oneCall, id), { minLength: 1, maxLength: 4 }).map((cs) => ({ value: cs.map(([c, i]) => ({ jsonrpc: '2.0', id: i, method: c.method, params: c.params })) as unknown, why: 'batch' })) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.array(oneCall, { minLength: 1, maxLength: 4 }), fc.boolean(), id).map(([cs, nest, i]) => ({
        value: { jsonrpc: '2.0', id: i, method: 'system.multicall', params: [[...cs.map((c) => ({ methodName: c.method, params: c.params })), ...(nest ? [{ methodName: 'system.multicall', params: [[{ methodName: 'aria2.getVersion', params: [`token:${SECRET}`] }]] }] : [])]] } as unknown,
        why: nest ? 'nested multicall' : 'multicall',
      })),
    },
    { weight: 1, arbitrary: fc.tuple(junk.filter((p) => !(Array.isArray(p) && Array.isArray(p[0]) && p[0].length === 0)), id).map(([p, i]) => ({ value: { jsonrpc: '2.0', id: i, method: 'system.multicall', params: p } as unknown, why: 'multicall of junk' })) },
    // Envelopes that are not requests at all.
    { weight: 1, arbitrary: fc.oneof(fc.anything().filter((v) => !Array.isArray(v) || v.length > 0), fc.record({ method: junk.filter((v) => typeof v !== 'string'), params: fc.anything() }), fc.record({ method: fc.constant('aria2.getVersion'), params: junk.filter((v) => v !== undefined && !Array.isArray(v)) })).map((v) => ({ value: v, why: 'not a request' })) },
  );
  const texts = fc.sample(envelope, { numRuns: count, seed: SEED }).flatMap((p) => {
    const text = JSON.stringify(p.value);
    return text === undefined || text === '[]' ? [] : [{ text, why: p.why }];
  });
  // Text that is not JSON at all.
  const broken = fc.sample(fc.oneof(fc.string(), fc.constantFrom('{', '{"jsonrpc":"2.0","method":"aria2.addUri","params":["token:', '[{"method":', '\u0000', 'null null')).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }), { numRuns: Math.ceil(count / 10), seed: SEED });
  return [...prototypePayloads(), ...texts, ...broken.map((text) => ({ text, why: 'not JSON' }))];
}

