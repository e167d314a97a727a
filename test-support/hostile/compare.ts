// Byte-level comparison of an outcome with the original, for the "bytes lost" column.
import { open } from 'node:fs/promises';

/** Bytes of `expectedPath` that `actualPath` does not hold at the same offset (missing or different). */
export async function bytesLost(expectedPath: string, actualPath: string): Promise<number> {
  const expected = await open(expectedPath, 'r');
  const actual = await open(actualPath, 'r').catch(() => undefined);
  try {
    const size = (await expected.stat()).size;
    if (!actual) return size;
    const a = Buffer.allocUnsafe(1 << 20);
    const b = Buffer.allocUnsafe(1 << 20);
    let lost = 0;
    for (let offset = 0; offset < size; offset += a.length) {
      const { bytesRead: n } = await expected.read(a, 0, a.length, offset);
      const { bytesRead: m } = await actual.read(b, 0, n, offset);
      if (m === n && a.subarray(0, n).equals(b.subarray(0, n))) continue;
      for (let i = 0; i < n; i++) if (i >= m || a[i] !== b[i]) lost++;
    }
    return lost;
  } finally {
    await expected.close();
    await actual?.close();
  }
}
