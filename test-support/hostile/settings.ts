// Knobs of the hostile suite, in one place.
//
// CONNECTION_COUNTS: every `ferry get` crash loop runs once per entry (`--connections N`).
export const CONNECTION_COUNTS: readonly number[] = [1, 16];

/** Extra `ferry get` arguments for a connection count, always explicit (the default is 8). */
export function connectionArgs(connections: number): string[] {
  return ['--connections', String(connections)];
}

/** FERRY_HOSTILE_SCALE: 1 (CI, a few minutes) by default; 8 gives the 256 MiB / 20 kills. */
export const SCALE = Math.max(1, Number(process.env.FERRY_HOSTILE_SCALE ?? '1') || 1);

/** FERRY_HOSTILE_SEED replays a run's random kill moments and payloads; printed with the table. */
export const SEED = Number(process.env.FERRY_HOSTILE_SEED ?? '') || Math.floor(Math.random() * 2 ** 31) || 1;

/** A small deterministic generator (xorshift32), so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

export const MiB = 1 << 20;
