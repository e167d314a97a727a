// Native messaging's wire: each message is a 32-bit length in the machine's byte order (little
// endian on every platform Ferry runs on) followed by that many bytes of UTF-8 JSON.
/** Chromium refuses messages from the host above 1 MB; requests to the host are at most 4 GB but ours are tiny. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export function encodeMessage(value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  if (json.length > MAX_MESSAGE_BYTES) throw new Error(`native message of ${json.length} bytes is over the 1 MB limit`);
  const header = Buffer.alloc(4);
  header.writeUInt32LE(json.length, 0);
  return Buffer.concat([header, json]);
}

/** Reads whole messages out of a growing buffer; returns what is left over. */
export function decodeMessages(buffer: Buffer): { messages: unknown[]; rest: Buffer; error?: string } {
  const messages: unknown[] = [];
  let offset = 0;
  while (buffer.length - offset >= 4) {
    const length = buffer.readUInt32LE(offset);
    if (length > MAX_MESSAGE_BYTES) return { messages, rest: Buffer.alloc(0), error: `message of ${length} bytes is too large` };
    if (buffer.length - offset - 4 < length) break;
    const text = buffer.subarray(offset + 4, offset + 4 + length).toString('utf8');
    offset += 4 + length;
    try {
      messages.push(JSON.parse(text));
    } catch {
      return { messages, rest: Buffer.alloc(0), error: 'message is not JSON' };
    }
  }
  return { messages, rest: buffer.subarray(offset) };
}
