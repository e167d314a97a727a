// Knobs of the hostile suite, in one place.
//
// CONNECTION_COUNTS: every download loop runs once per entry. Segmented downloads (`ferry get
// --connections N`) are not on this branch yet; when they land, make this `[1, 16]` and the loops
// pass `--connections N` (see connectionArgs) — nothing else changes.
export const CONNECTION_COUNTS: readonly number[] = [1];

/** Extra `ferry get` arguments for a connection count; 1 is today's default and adds nothing. */
export function connectionArgs(connections: number): string[] {
  return connections === 1 ? [] : ['--connections', String(connections)];
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
