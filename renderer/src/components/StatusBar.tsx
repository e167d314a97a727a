import { useEffect } from 'react';
import { formatSpeed } from '../lib/format';
import { useTransfers } from '../store/transfers-store';
import { Icon } from './icons';

const CONNECTION_TEXT = { open: 'Connected', connecting: 'Connecting…', closed: 'Disconnected — reconnecting', refused: 'Refused: this page’s token is not Ferry’s' };

export function StatusBar({ label }: { label?: string | undefined }) {
  const down = useTransfers((s) => s.speedDown);
  const up = useTransfers((s) => s.speedUp);
  const c = useTransfers((s) => s.counts);
  const connection = useTransfers((s) => s.connection);
  // While disconnected the last speeds are history, not news.
  const live = connection === 'open';
  // The window title carries the gist, for the taskbar and browser tabs.
  const title = !live ? 'Ferry — not connected' : c.active > 0 ? `Ferry — ${c.active} active · ${formatSpeed(down + up)}` : 'Ferry';
  useEffect(() => {
    document.title = title;
  }, [title]);
  const parts: Array<[number, string, string]> = [
    [c.active, 'active', 'active'],
    [c.queued, 'queued', 'queued'],
    [c.paused, 'paused', 'paused'],
    [c.completed, 'completed', 'completed'],
    [c.failed, 'failed', 'failed'],
    // Shown when there are any, like the sidebar's Canceled filter (same counts, same words).
    ...(c.canceled > 0 ? [[c.canceled, 'canceled', 'canceled'] as [number, string, string]] : []),
  ];
  return (
    <footer className="statusbar" aria-label="Status">
      <span className="statusbar__speed" title="Total download speed">
        <Icon name="download" size={13} />
        <span className="visually-hidden">Download speed</span> {live ? formatSpeed(down) : '—'}
      </span>
      <span className="statusbar__speed" title="Total upload speed">
        <Icon name="upload" size={13} />
        <span className="visually-hidden">Upload speed</span> {live ? formatSpeed(up) : '—'}
      </span>
      <span className={`statusbar__counts${live ? '' : ' statusbar__counts--stale'}`} title={live ? undefined : 'As last seen: not connected to Ferry'}>
        {parts.map(([n, label, cls]) => (
          <span key={label} className={`count count--${cls}${n === 0 ? ' count--zero' : ''}`}>
            <span className="dot" aria-hidden="true" />
            {n.toLocaleString()} {label}
          </span>
        ))}
      </span>
      <span className="toolbar__spacer" />
      {label && <span className="tag">{label}</span>}
      <span className={`conn conn--${connection}`} role="status">
        <span className="dot" aria-hidden="true" />
        {CONNECTION_TEXT[connection]}
      </span>
    </footer>
  );
}
