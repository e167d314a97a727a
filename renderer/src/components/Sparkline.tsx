// Speed over the last minute, drawn as an SVG path. Redrawn once a second while visible.
import { useEffect, useState } from 'react';
import type { TransferView } from '../../../shared/transfer';
import { formatSpeed, formatWait } from '../lib/format';
import { speedSamples } from '../store/speed-history';

const W = 280;
const H = 56;

/** A finished transfer's own account: how long it took and its average, whatever the samples saw. */
function finishedCaption(v: TransferView): string | null {
  if (v.state !== 'completed' || !v.startedAt || !v.finishedAt) return null;
  const seconds = Math.max(0.001, (v.finishedAt - v.startedAt) / 1000);
  const took = seconds < 1 ? 'under a second' : formatWait(seconds * 1000);
  return `finished in ${took} · avg ${formatSpeed(v.progress.bytesDone / seconds)}`;
}

export function Sparkline({ v }: { v: TransferView }) {
  const id = v.id;
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  const now = Date.now();
  const samples = speedSamples(id, now);
  const peak = Math.max(0, ...samples.map((s) => s.speed));
  const max = Math.max(1, peak);
  const pts = samples.map((s) => [W - ((now - s.at) / 60_000) * W, H - 4 - (s.speed / max) * (H - 8)] as const);
  const line = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const area = pts.length > 1 ? `${line} L${pts[pts.length - 1]![0].toFixed(1)},${H} L${pts[0]![0].toFixed(1)},${H} Z` : '';
  const avg = samples.length ? samples.reduce((a, s) => a + s.speed, 0) / samples.length : 0;
  const finished = finishedCaption(v);
  const caption = finished ?? (peak > 0 ? `avg ${formatSpeed(avg)} · peak ${formatSpeed(peak)}` : v.state === 'active' ? 'no bytes moved yet' : 'no bytes moved');
  return (
    <figure className="spark">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} preserveAspectRatio="none" role="img" aria-label={peak > 0 ? `Speed over the last minute, peak ${formatSpeed(peak)}` : finished ? `Speed: ${finished}` : 'No bytes moved in the last minute'}>
        <line x1="0" x2={W} y1={H - 0.5} y2={H - 0.5} className="spark__axis" />
        {area && <path d={area} className="spark__area" />}
        {line && <path d={line} className="spark__line" />}
      </svg>
      <figcaption className="spark__caption">
        <span>Last minute</span>
        <span>{caption}</span>
      </figcaption>
    </figure>
  );
}
