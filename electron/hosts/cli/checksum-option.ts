// aria2's --checksum=TYPE=DIGEST for `ferry get`. Ferry verifies SHA-256 (the engine hashes the
// finished file with it); aria2's other types are named in the refusal so the user knows why.

/** aria2 1.36's hash types (`aria2c -v`, "Hash Algorithms"). */
const ARIA2_TYPES = ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512', 'md5', 'adler32'];

export function checksumOption(text: string): { sha256: string } | { problem: string } {
  const eq = text.indexOf('=');
  const type = eq > 0 ? text.slice(0, eq).trim().toLowerCase() : '';
  const digest = eq > 0 ? text.slice(eq + 1).trim().toLowerCase() : '';
  if (type === 'sha-256' || type === 'sha256') {
    return /^[0-9a-f]{64}$/.test(digest) ? { sha256: digest } : { problem: `sha-256 takes 64 hexadecimal digits (got ${digest.length} characters)` };
  }
  if (ARIA2_TYPES.includes(type)) return { problem: `Ferry checks sha-256 only, not ${type} (--checksum=sha-256=HEX)` };
  return { problem: `takes TYPE=DIGEST, as sha-256=HEX (got '${text.slice(0, 80)}')` };
}

/** --sha256 HEX or aria2's --checksum=sha-256=HEX: the digest of the one file a command gets. */
export function checksumFlags(sha256: string | undefined, checksum: string | undefined, withList: boolean): { sha256?: string } | { problem: string } {
  if (sha256 === undefined && checksum === undefined) return {};
  if (sha256 !== undefined && checksum !== undefined) return { problem: 'give --sha256 or --checksum, not both' };
  const flag = sha256 !== undefined ? '--sha256' : '--checksum';
  if (withList) return { problem: `${flag} is one file's digest; in a -i list give each its own checksum= line under its URL` };
  if (sha256 !== undefined) {
    const hex = sha256.trim().toLowerCase();
    return /^[0-9a-f]{64}$/.test(hex) ? { sha256: hex } : { problem: '--sha256 must be 64 hexadecimal digits' };
  }
  const parsed = checksumOption(checksum!);
  return 'problem' in parsed ? { problem: `--checksum: ${parsed.problem}` } : parsed;
}
