// Integrity from the server: Repr-Digest (RFC 9530, sha-256 / sha-512) or the older
// `Digest: SHA-256=...` (RFC 3230) describe the whole representation, also on a 206, so the
// finished file can be checked against them like a --sha256. Ferry asks for them with
// Want-Repr-Digest. Parsing and checking live here; the worker only passes headers in and
// calls verifyServerDigest on the finished .part.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { failure } from './failures';

/** Sent with every download request: sha-512 preferred, sha-256 fine (RFC 9530 §4 preferences). */
export const WANT_REPR_DIGEST = 'sha-512=9, sha-256=8';

export type DigestAlgorithm = 'sha-256' | 'sha-512';

export interface ServerDigest {
  algorithm: DigestAlgorithm;
  /** The digest bytes, hex. */
  hex: string;
  /** Which header said so, for messages. */
  source: 'Repr-Digest' | 'Digest';
}

const LENGTH: Record<DigestAlgorithm, number> = { 'sha-256': 32, 'sha-512': 64 };

/**
 * The strongest digest the response carries, or undefined. Repr-Digest wins over Digest.
 * Malformed entries (wrong length, not base64) are ignored rather than trusted.
 */
export function serverDigestOf(get: (name: string) => string | undefined): ServerDigest | undefined {
  return fromReprDigest(get('repr-digest')) ?? fromLegacyDigest(get('digest'));
}

/** RFC 9530: a Structured Fields dictionary, `sha-256=:BASE64:, sha-512=:BASE64:`. */
function fromReprDigest(value: string | undefined): ServerDigest | undefined {
  if (!value) return undefined;
  const found = new Map<string, string>();
  for (const member of value.split(',')) {
    const m = /^\s*([a-z][a-z0-9_.*-]*)\s*=\s*:([A-Za-z0-9+/]*={0,2}):\s*(;.*)?$/.exec(member);
    if (m) found.set(m[1]!, m[2]!);
  }
  return pick(found, 'Repr-Digest');
}

/** RFC 3230: `SHA-256=BASE64` (algorithm names case-insensitive), comma separated. */
function fromLegacyDigest(value: string | undefined): ServerDigest | undefined {
  if (!value) return undefined;
  const found = new Map<string, string>();
  for (const member of value.split(',')) {
    const m = /^\s*([A-Za-z0-9-]+)\s*=\s*([A-Za-z0-9+/]*={0,2})\s*$/.exec(member);
    if (m) found.set(m[1]!.toLowerCase(), m[2]!);
  }
  return pick(found, 'Digest');
}

function pick(found: Map<string, string>, source: ServerDigest['source']): ServerDigest | undefined {
  for (const algorithm of ['sha-512', 'sha-256'] as const) {
    const b64 = found.get(algorithm);
    if (b64 === undefined) continue;
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length === LENGTH[algorithm]) return { algorithm, hex: bytes.toString('hex'), source };
  }
  return undefined;
}

async function digestOfFile(filePath: string, algorithm: DigestAlgorithm, signal?: AbortSignal): Promise<string> {
  const hash = createHash(algorithm === 'sha-256' ? 'sha256' : 'sha512');
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Throws a CHECKSUM_MISMATCH failure when the finished .part does not match the server's digest.
 * The .part is left where it is for inspection (the caller does not discard it): the bytes may be
 * right and the header wrong, and only a person can tell.
 */
export async function verifyServerDigest(partPath: string, digest: ServerDigest | undefined, signal?: AbortSignal): Promise<void> {
  if (!digest) return;
  const actual = await digestOfFile(partPath, digest.algorithm, signal);
  if (actual === digest.hex) return;
  throw failure(
    'CHECKSUM_MISMATCH',
    `The file does not match the server's ${digest.source} (${digest.algorithm}): expected ${digest.hex}, got ${actual}. ` +
      `The downloaded bytes are kept in ${partPath} for inspection`,
    false,
  );
}
