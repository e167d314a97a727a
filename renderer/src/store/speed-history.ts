// The last minute of speed samples per transfer, for the details panel's sparkline. Kept outside
// the zustand state on purpose: samples arrive with every progress tick and nothing but the
// open details panel reads them, so they must not cause renders.
const WINDOW_MS = 60_000;
const BUCKET_MS = 1_000;

export interface SpeedSample {
  at: number;
  speed: number;
}

const history = new Map<string, SpeedSample[]>();

export function recordSpeed(id: string, speed: number, now = Date.now()): void {
  let samples = history.get(id);
  if (!samples) history.set(id, (samples = []));
  const last = samples[samples.length - 1];
  // One sample per second keeps the buffer at ≤ 60 entries whatever the tick rate. A second keeps
  // its fastest sample: the 0 that comes with "completed" must not erase the second it finished in.
  if (last && now - last.at < BUCKET_MS) last.speed = Math.max(last.speed, speed);
  else samples.push({ at: now, speed });
  while (samples.length > 0 && now - samples[0]!.at > WINDOW_MS) samples.shift();
}

export function speedSamples(id: string, now = Date.now()): SpeedSample[] {
  return (history.get(id) ?? []).filter((s) => now - s.at <= WINDOW_MS);
}

export function forgetSpeed(id: string): void {
  history.delete(id);
}

export function clearSpeedHistory(): void {
  history.clear();
}
