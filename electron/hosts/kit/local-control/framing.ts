// The local channel's carrier: one JSON message per line over a stream socket (JSON.stringify never
// emits a raw line break). The messages are the wire's (shared/wire/messages.ts), after the
// handshake's (./handshake.ts).
import type net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { MessageTransport } from '../../../../shared/wire/transport';

/** A line longer than this is not a message of ours: the reader reports it and drops the rest of it. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** After close, what is still unsent gets this long to leave before the socket is cut. */
const CLOSE_GRACE_MS = 1000;

export interface LineReader {
  push(chunk: Buffer): void;
}

export function lineReader(onLine: (line: string) => void, onTooLong: () => void): LineReader {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let skipping = false;
  return {
    push(chunk) {
      const lines = (pending + decoder.write(chunk)).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (skipping) {
          skipping = false; // the end of the over-long line: what follows is a new message
          continue;
        }
        if (line.trim() !== '') onLine(line);
      }
      if (Buffer.byteLength(pending) > MAX_LINE_BYTES) {
        pending = '';
        if (!skipping) onTooLong();
        skipping = true;
      }
    },
  };
}

/**
 * The wire's transport over a connected socket. Lines that arrive while nobody listens (between the
 * handshake and the contract taking over) are kept for the next listener, in order.
 */
export function lineTransport(socket: net.Socket): MessageTransport {
  const messageListeners = new Set<(text: string) => void>();
  const unreadableListeners = new Set<(why: string) => void>();
  const waiting: string[] = [];
  const drain = () => {
    while (waiting.length > 0 && messageListeners.size > 0) {
      const line = waiting.shift()!;
      for (const listener of [...messageListeners]) listener(line);
    }
  };
  const reader = lineReader(
    (line) => {
      waiting.push(line);
      drain();
    },
    () => unreadableListeners.forEach((listener) => listener('Message too long')),
  );
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('error', () => socket.destroy());
  const subscribe = <T>(set: Set<T>, listener: T) => (set.add(listener), () => void set.delete(listener));
  return {
    send(text) {
      if (!socket.destroyed && socket.writable) socket.write(`${text}\n`);
    },
    onMessage(listener) {
      const off = subscribe(messageListeners, listener);
      if (waiting.length > 0) queueMicrotask(drain);
      return off;
    },
    onUnreadable: (listener) => subscribe(unreadableListeners, listener),
    onClose(listener) {
      if (socket.destroyed) {
        queueMicrotask(listener);
        return () => undefined;
      }
      socket.once('close', listener);
      return () => void socket.off('close', listener);
    },
    close() {
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    },
    bufferedBytes: () => socket.writableLength,
  };
}
