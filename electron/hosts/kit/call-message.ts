// The contract over a message socket (the headless host's WebSocket, the local control socket):
// a client sends { t: 'call', id, name, input } and gets { t: 'reply', id, reply }. One reading of
// a call for both, so a malformed message gets the same error reply on either.
export type CallId = string | number;

export type ParsedCall = { ok: true; id: CallId; name: unknown; input: unknown } | { ok: false; id: CallId | null; message: string };

export function parseCallMessage(text: string): ParsedCall {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { ok: false, id: null, message: 'Message is not valid JSON' };
  }
  if (!message || typeof message !== 'object' || Array.isArray(message)) return { ok: false, id: null, message: 'Message must be a JSON object' };
  const { t, id, name, input } = message as Record<string, unknown>;
  const callId = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
  if (t !== 'call') return { ok: false, id: callId, message: `Unknown message type: ${String(t).slice(0, 32)}` };
  if (callId === null || (typeof callId === 'string' && callId.length > 64)) {
    return { ok: false, id: null, message: 'A call needs an id (a number or a short string)' };
  }
  return { ok: true, id: callId, name, input };
}
