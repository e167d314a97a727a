// Mutual proof of the control secret (./control-secret.ts) before the local channel carries anything
// else, on every platform. The socket's folder keeps other users out on Unix; on Windows Node cannot
// set a named pipe's ACL, so this is what keeps them out there, and what keeps a program that took
// the pipe's name first from hearing a call (and `ferry put`'s header values):
//   client → host   { t: 'hello', v: 1, nonce: C }
//   host → client   { t: 'hello', v: 1, nonce: H, proof: HMAC(secret, "host C H") }
//   client → host   { t: 'proof', proof: HMAC(secret, "client H C") }
// The host proves first, so a client sends nothing but a random nonce to a host that cannot; the host
// sends nothing but its proof (and a refusal) to a client that cannot, and takes no call from it.
// Fresh nonces on both sides: an answer seen once is worth nothing on another connection.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeMessage, parseCallMessage, parseObject } from '../../../../shared/wire/messages';
import type { MessageTransport } from '../../../../shared/wire/transport';

const VERSION = 1;
/** Each end waits this long for the other's next step; a silent peer is dropped. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

export type HandshakeResult = { ok: true } | { ok: false; message: string };

function proof(secret: Buffer, role: 'host' | 'client', first: string, second: string): string {
  return createHmac('sha256', secret).update(`ferry-control/${VERSION} ${role} ${first} ${second}`).digest('hex');
}

const HEX_64 = /^[0-9a-f]{64}$/;

function sameProof(given: unknown, expected: string): boolean {
  // Only 64 hex digits get compared: timingSafeEqual throws on buffers of unequal length.
  return typeof given === 'string' && HEX_64.test(given) && timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}

type Step = { kind: 'message'; value: Record<string, unknown>; text: string } | { kind: 'closed' } | { kind: 'timeout' } | { kind: 'unreadable' };

/** The peer's next message (or why none came). */
function nextStep(transport: MessageTransport): Promise<Step> {
  return new Promise((resolve) => {
    const offs: (() => void)[] = [];
    let settled = false;
    const done = (step: Step) => {
      if (settled) return;
      settled = true;
      offs.forEach((off) => off());
      clearTimeout(timer);
      resolve(step);
    };
    const timer = setTimeout(() => done({ kind: 'timeout' }), HANDSHAKE_TIMEOUT_MS);
    offs.push(
      transport.onMessage((text) => {
        const message = parseObject(text);
        done({ kind: 'message', value: message.ok ? message.value : {}, text });
      }),
      transport.onClose(() => done({ kind: 'closed' })),
      transport.onUnreadable?.(() => done({ kind: 'unreadable' })) ?? (() => undefined),
    );
  });
}

/** The host's side: resolves ok once the client proved it knows the secret; otherwise the connection is refused and closed. */
export async function answerHandshake(transport: MessageTransport, secret: Buffer): Promise<HandshakeResult> {
  const refuse = (message: string): HandshakeResult => {
    transport.send(JSON.stringify({ t: 'refused', message }));
    transport.close(message);
    return { ok: false, message };
  };
  const hello = await nextStep(transport);
  if (hello.kind !== 'message') return refuse('no hello');
  const { t, v, nonce } = hello.value;
  if (t !== 'hello' || v !== VERSION || typeof nonce !== 'string' || !HEX_64.test(nonce)) {
    // A client from before the handshake starts with a call: its reply says what to do.
    const call = parseCallMessage(hello.text);
    const message = 'This Ferry’s local channel starts with a handshake: update the ferry command';
    if (call.ok) transport.send(encodeMessage({ t: 'reply', id: call.id, reply: { ok: false, error: { code: 'FORBIDDEN', message } } }));
    return refuse(message);
  }
  const hostNonce = randomBytes(32).toString('hex');
  transport.send(JSON.stringify({ t: 'hello', v: VERSION, nonce: hostNonce, proof: proof(secret, 'host', nonce, hostNonce) }));
  const answer = await nextStep(transport);
  if (answer.kind !== 'message' || answer.value.t !== 'proof' || !sameProof(answer.value.proof, proof(secret, 'client', hostNonce, nonce))) {
    return refuse('The client did not prove it knows this Ferry’s control secret');
  }
  return { ok: true };
}

/** The client's side: resolves ok once the host proved it knows the secret and the client answered; otherwise nothing more was sent. */
export async function openHandshake(transport: MessageTransport, secret: Buffer, where: string): Promise<HandshakeResult> {
  const nonce = randomBytes(32).toString('hex');
  transport.send(JSON.stringify({ t: 'hello', v: VERSION, nonce }));
  const hello = await nextStep(transport);
  if (hello.kind === 'message' && hello.value.t === 'refused') {
    return { ok: false, message: `the running Ferry refused the connection on ${where}: ${String(hello.value.message).slice(0, 200)}` };
  }
  if (hello.kind !== 'message') {
    const what = { closed: 'closed the connection', timeout: 'did not answer', unreadable: 'sent something unreadable' }[hello.kind];
    return { ok: false, message: `the process listening on ${where} ${what} during the handshake; nothing was sent to it` };
  }
  const hostNonce = hello.value.nonce;
  if (hello.value.t !== 'hello' || typeof hostNonce !== 'string' || !HEX_64.test(hostNonce) || !sameProof(hello.value.proof, proof(secret, 'host', nonce, hostNonce))) {
    return {
      ok: false,
      message: `the process listening on ${where} did not prove it knows this data folder's control secret, so nothing was sent to it (another user's program may have taken the channel's name)`,
    };
  }
  transport.send(JSON.stringify({ t: 'proof', proof: proof(secret, 'client', hostNonce, nonce) }));
  return { ok: true };
}
