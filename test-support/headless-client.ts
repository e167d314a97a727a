// A WebSocket client of the headless host for tests (the wire's own client): records every event, answers calls.
//
//   const ui = await connectUi(host.port, host.token);
//   const reply = await ui.call('addDownloads', { urls: [...] });
//   await ui.waitFor(() => ui.events.some((e) => e.name === 'notice'));
//   ui.raw   // every message as received, JSON text (to check what never crossed the wire)
//   await ui.sendRaw('not json')   // any text; resolves with the reply the host sends without an id
//   ui.close();
import http from 'node:http';
import WebSocket from 'ws';
import { webSocketTransport } from '../electron/hosts/kit/web/ws-transport';
import { EVENT_NAMES } from '../shared/names';
import { createContractClient } from '../shared/wire/contract-client';

export interface UiClient {
  ws: WebSocket;
  events: { name: string; payload: unknown }[];
  /** Every message the host sent, as text. */
  raw: string[];
  call(name: string, input?: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  /** Sends any text; resolves with the next reply without a call id (what a malformed message gets). */
  sendRaw(data: string): Promise<unknown>;
  waitFor(check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function connectUi(port: number, token: string): Promise<UiClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`, { origin: `http://127.0.0.1:${port}` });
  const events: UiClient['events'] = [];
  const raw: string[] = [];
  ws.on('message', (data) => raw.push(data.toString()));
  const client = createContractClient({
    callTimeoutMs: 60_000,
    queueWhileDown: false,
    words: { lost: 'the host closed the socket', timedOut: (name) => `the host did not answer ${name}` },
  });
  for (const name of EVENT_NAMES) client.on(name, (payload) => events.push({ name, payload }));
  // Attached before the socket opens: the snapshot may come in the same packet as the handshake's answer.
  client.attach(webSocketTransport(ws));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    events,
    raw,
    call: (name, input) => client.call(name, input),
    sendRaw(data) {
      const reply = new Promise((resolve) => {
        const stop = client.onStrayReply((message) => {
          if (message.id !== null) return;
          stop();
          resolve(message.reply);
        });
      });
      ws.send(data);
      return reply;
    },
    waitFor: (check, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const tick = () => (check() ? resolve() : Date.now() - started > timeoutMs ? reject(new Error('timed out')) : setTimeout(tick, 10));
        tick();
      }),
    close: () => ws.close(),
  };
}

/**
 * POSTs `body` to the host's upload inbox as the browser UI does. `chunked`: no Content-Length.
 *   const { status, json } = await postToInbox(host.port, host.token, 'a.txt', Buffer.from('hi'));
 */
export function postToInbox(
  port: number,
  token: string,
  name: string,
  body: Buffer,
  options: { chunked?: boolean } = {},
): Promise<{ status: number; json: { path?: string; ok?: false; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'x-ferry-token': token, 'content-type': 'application/octet-stream' };
    if (options.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = body.length;
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/api/upload-file?name=${encodeURIComponent(name)}`, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    // A refused body may be cut off by the host once it has answered: that is not a test failure.
    req.on('error', (error) => (req.destroyed && (error as NodeJS.ErrnoException).code === 'EPIPE' ? undefined : reject(error)));
    req.end(body);
  });
}
