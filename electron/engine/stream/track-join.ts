// One track's items joined into one file in play order: init sections where they apply, AES-128
// segments decrypted on the way (the files on disk keep the bytes the server sent, so a segment
// continued with a range request is still the server's exact bytes), WebVTT segments merged under
// one header. The result is fsync'd before anyone records it.
import { createDecipheriv } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { failure } from '../download/failures';
import type { StreamTrack } from './stream-plan';

export interface JoinInput {
  track: StreamTrack;
  /** The file of item `index`. */
  fileOf(index: number): string;
  /** AES-128 keys by URL, fetched before the join. */
  keys: ReadonlyMap<string, Buffer>;
  signal: AbortSignal;
}

export async function joinTrack(input: JoinInput, outPath: string): Promise<void> {
  const out = await open(outPath, 'w');
  try {
    for (let index = 0; index < input.track.items.length; index++) {
      const source = await itemSource(input, index);
      try {
        for await (const chunk of source) {
          if (input.signal.aborted) throw input.signal.reason ?? new Error('aborted');
          await out.write(chunk as Buffer);
        }
      } catch (err) {
        source.destroy();
        throw decryptFailure(err, index, input) ?? err;
      }
    }
    await out.datasync();
  } finally {
    await out.close();
  }
}

async function itemSource(input: JoinInput, index: number): Promise<Readable> {
  const item = input.track.items[index]!;
  const path = input.fileOf(index);
  if (input.track.container === 'vtt' && !item.init) return vttSource(path, index > 0);
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!item.key) return file;
  const key = input.keys.get(item.key.keyUrl);
  if (!key) throw failure('INTERNAL', `No key fetched for ${item.key.keyUrl}`, false);
  const decipher = createDecipheriv('aes-128-cbc', key, item.key.iv);
  file.once('error', (err) => decipher.destroy(err));
  return file.pipe(decipher);
}

/** WebVTT segments each carry the "WEBVTT" header block; after the first, only their cues are kept. */
async function vttSource(path: string, dropHeader: boolean): Promise<Readable> {
  let text = await readFile(path, 'utf8');
  if (dropHeader) {
    const body = text.replace(/^\ufeff?WEBVTT[^\n]*\n(?:[^\n]+\n)*\n?/, '');
    text = body.startsWith('\n') ? body : `\n${body}`;
  }
  return Readable.from([Buffer.from(text, 'utf8')]);
}

function decryptFailure(err: unknown, index: number, input: JoinInput) {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  if (!/ERR_OSSL|BAD_DECRYPT/i.test(code + String((err as Error)?.message))) return undefined;
  const item = input.track.items[index]!;
  return failure(
    'UNSUPPORTED_STREAM',
    `Segment ${index + 1} does not decrypt with the AES-128 key ${item.key?.keyUrl ?? ''} (wrong key or IV); the segments are kept, retry to fetch the key again`,
    false,
  );
}
