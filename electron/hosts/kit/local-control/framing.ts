// The local channel's wire: one JSON message per line (JSON.stringify never emits a raw line
// break). The messages are the headless WebSocket's (see hosts/headless/socket-bridge.ts):
//   client → host  { t: 'call', id, name, input }
//   host → client  { t: 'reply', id, reply }  and  { t: 'event', name, payload } (first: 'snapshot')
import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is not a message of ours: the reader reports it and drops the rest of it. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

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

export function encodeLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}
