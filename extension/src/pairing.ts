// Finds Ferry without copy-paste: Ferry installs a native-messaging host that answers with its
// RPC endpoint and secret (and starts Ferry when asked). Manual settings are never overwritten.
export const NATIVE_HOST_NAME = 'dev.ferry.host';

export type PairAnswer = { ok: true; endpoint: string; secret: string } | { ok: false; reason: string };

export function parsePairAnswer(message: unknown): PairAnswer {
  if (typeof message !== 'object' || message === null) return { ok: false, reason: 'no answer from Ferry\'s native host' };
  const m = message as Record<string, unknown>;
  if (m.ok === true && typeof m.endpoint === 'string' && typeof m.secret === 'string') return { ok: true, endpoint: m.endpoint, secret: m.secret };
  return { ok: false, reason: typeof m.reason === 'string' ? m.reason : 'Ferry\'s native host did not say where Ferry is' };
}

export async function askNativeHost(launch: boolean): Promise<PairAnswer> {
  try {
    const answer: unknown = await chrome.runtime.sendNativeMessage(NATIVE_HOST_NAME, { type: 'pair', launch });
    return parsePairAnswer(answer);
  } catch (error) {
    return { ok: false, reason: `Ferry's native host is not installed or failed (${(error as Error).message})` };
  }
}
