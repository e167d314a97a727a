// The secret of a whole JSON-RPC message (one call, a batch, multicalls inside), judged once before
// any call runs: a message is a guess when any `token:` in it is wrong, and then none of its calls
// is authorised. So a batch of 1,000 different tokens tells its sender one bit, not 1,000, and the
// guess gate (guess-gate.ts) can hold that message's answer and its sender's next one.
import { createHash, timingSafeEqual } from 'node:crypto';

export type SecretVerdict = 'right' | 'wrong' | 'none';

export interface MessageInspection {
  verdict: SecretVerdict;
  /** Calls the message holds: batch entries plus the entries of every multicall. */
  calls: number;
}

function secretMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

const TOKEN_PREFIX = 'token:';

/** Whether a call's params start with a token (right or wrong). */
export function carriesToken(params: unknown): boolean {
  return Array.isArray(params) && typeof params[0] === 'string' && params[0].startsWith(TOKEN_PREFIX);
}

export function inspectMessage(message: unknown, secret: string): MessageInspection {
  let calls = 0;
  let tokens = 0;
  let wrong = false;
  const judge = (params: unknown) => {
    if (wrong || !carriesToken(params)) return;
    tokens++;
    // Every token compared in constant time: never against a remembered right one with ===.
    if (!secretMatches((params as string[])[0]!.slice(TOKEN_PREFIX.length), secret)) wrong = true;
  };
  const visit = (entry: unknown) => {
    calls++;
    if (typeof entry !== 'object' || entry === null) return;
    const { method, params } = entry as { method?: unknown; params?: unknown };
    judge(params);
    if (method === 'system.multicall' && Array.isArray(params) && Array.isArray(params[0])) {
      for (const inner of params[0] as unknown[]) {
        calls++;
        if (typeof inner === 'object' && inner !== null) judge((inner as { params?: unknown }).params);
      }
    }
  };
  if (Array.isArray(message)) for (const entry of message) visit(entry);
  else visit(message);
  return { verdict: wrong ? 'wrong' : tokens > 0 ? 'right' : 'none', calls };
}
