// Hands a submission to Ferry over aria2's JSON-RPC, within a time budget. Fail-open: any doubt
// (refused, timed out, an error answer) is "not accepted", and the browser keeps its download.
import type { Aria2Status } from './handoff-progress';
import { addUriParams, type Submission } from './submission';

export type HandOff = { accepted: true; gid: string } | { accepted: false; reason: string };

export interface RpcTarget {
  endpoint: string;
  secret: string;
}

let nextId = 1;

/**
 * Sends aria2.addUri and, when the first answer is lost (network error, time-out) and time
 * remains, sends the same submission once more. Its gid makes that safe: a second transfer with a
 * known gid is refused (aria2 answers "No URI to download.", Ferry names the gid), and then
 * tellStatus on that gid tells whether the first one was taken.
 */
export async function handOff(target: RpcTarget, submission: Submission, budgetMs: number, fetchImpl: typeof fetch = fetch): Promise<HandOff> {
  const deadline = Date.now() + budgetMs;
  const { uris, options } = addUriParams(submission);
  const token = `token:${target.secret}`;
  let lastReason = 'no answer';
  for (let attempt = 0; attempt < 2 && Date.now() < deadline; attempt++) {
    const answer = await call(target.endpoint, 'aria2.addUri', [token, uris, options], deadline - Date.now(), fetchImpl);
    if (answer.kind === 'result') return typeof answer.value === 'string' ? { accepted: true, gid: answer.value } : { accepted: false, reason: 'unexpected answer' };
    if (answer.kind === 'error') {
      if (attempt === 0) return { accepted: false, reason: answer.message };
      const known = await call(target.endpoint, 'aria2.tellStatus', [token, submission.gid, ['gid']], Math.max(50, deadline - Date.now()), fetchImpl);
      return known.kind === 'result' ? { accepted: true, gid: submission.gid } : { accepted: false, reason: answer.message };
    }
    lastReason = answer.message;
  }
  return { accepted: false, reason: lastReason };
}

export type Probe = { ok: true; version: string; ferryVersion?: string } | { ok: false; reason: string };

/** aria2.getVersion: does the endpoint answer and take the secret? Ferry adds its own version (`ferryVersion`) to aria2's. */
export async function probe(target: RpcTarget, budgetMs: number, fetchImpl: typeof fetch = fetch): Promise<Probe> {
  const answer = await call(target.endpoint, 'aria2.getVersion', [`token:${target.secret}`], budgetMs, fetchImpl);
  if (answer.kind === 'result') {
    const value = answer.value as { version?: unknown; ferryVersion?: unknown } | null;
    const version = typeof value?.version === 'string' ? value.version : '?';
    return typeof value?.ferryVersion === 'string' ? { ok: true, version, ferryVersion: value.ferryVersion } : { ok: true, version };
  }
  return { ok: false, reason: answer.message };
}

/** Who answered a probe, in words: "Ferry 0.3.0", or "an aria2-compatible server (aria2 1.36.0)". */
export function describeServer(answer: { version: string; ferryVersion?: string }): string {
  return answer.ferryVersion ? `Ferry ${answer.ferryVersion}` : `an aria2-compatible server (aria2 ${answer.version})`;
}

const STATUS_KEYS = ['gid', 'status', 'totalLength', 'completedLength', 'downloadSpeed', 'errorMessage', 'files'];

/** tellStatus of several GIDs in one system.multicall; a GID Ferry no longer has gives undefined. */
export async function tellStatuses(target: RpcTarget, gids: readonly string[], budgetMs: number, fetchImpl: typeof fetch = fetch): Promise<{ ok: true; statuses: (Aria2Status | undefined)[] } | { ok: false; reason: string }> {
  if (gids.length === 0) return { ok: true, statuses: [] };
  const token = `token:${target.secret}`;
  const calls = gids.map((gid) => ({ methodName: 'aria2.tellStatus', params: [token, gid, STATUS_KEYS] }));
  const answer = await call(target.endpoint, 'system.multicall', [calls], budgetMs, fetchImpl);
  if (answer.kind !== 'result') return { ok: false, reason: answer.message };
  if (!Array.isArray(answer.value)) return { ok: false, reason: 'unexpected answer' };
  // Each entry is [result] or a fault {code, message}: "GID … is not found" is a handoff Ferry forgot; a refused secret refuses them all.
  const refused = answer.value.find((entry: unknown) => !Array.isArray(entry) && /unauthorized/i.test(String((entry as { message?: unknown } | null)?.message)));
  if (refused) return { ok: false, reason: String((refused as { message: string }).message) };
  return { ok: true, statuses: answer.value.map((entry: unknown) => (Array.isArray(entry) && entry[0] && typeof entry[0] === 'object' ? (entry[0] as Aria2Status) : undefined)) };
}

type Answer = { kind: 'result'; value: unknown } | { kind: 'error'; message: string } | { kind: 'unreachable'; message: string };

async function call(endpoint: string, method: string, params: unknown[], timeoutMs: number, fetchImpl: typeof fetch): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), Math.max(1, timeoutMs));
  try {
    const response = await fetchImpl(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: `ferry-ext-${nextId++}`, method, params }),
      signal: controller.signal,
      credentials: 'omit',
    });
    const body = (await response.json()) as { result?: unknown; error?: { message?: unknown } };
    if (body.error) return { kind: 'error', message: typeof body.error.message === 'string' ? body.error.message : `error ${response.status}` };
    if (!('result' in body)) return { kind: 'error', message: `HTTP ${response.status} without a result` };
    return { kind: 'result', value: body.result };
  } catch (error) {
    const aborted = controller.signal.aborted;
    return { kind: 'unreachable', message: aborted ? `no answer within ${timeoutMs} ms` : `Ferry is not running, or not at ${endpoint} (${(error as Error).message})` };
  } finally {
    clearTimeout(timer);
  }
}
