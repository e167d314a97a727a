import { useState } from 'react';
import type { Destination } from '../../../shared/settings';
import { transport } from '../api/current';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { DestinationEditor } from './DestinationEditor';
import { Icon } from './icons';

export function DestinationsPane() {
  const destinations = useTransfers((s) => s.destinations);
  const [editing, setEditing] = useState<Destination | 'new' | null>(null);

  async function del(d: Destination) {
    if (!window.confirm(`Delete the destination “${d.name}”? Uploads already queued to it keep their settings.`)) return;
    const r = await transport().api.deleteDestination({ id: d.id });
    if (!r.ok) return useUi.getState().toast(r.error.message, 'error');
    useTransfers.getState().setDestinations(destinations.filter((x) => x.id !== d.id));
  }

  if (editing) return <DestinationEditor initial={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />;

  return (
    <div className="destinations">
      <p className="field__help">Servers Ferry can upload to. Secret header values (tokens, passwords) stay on the host and are never shown again.</p>
      {destinations.length === 0 ? (
        <div className="notice-box">
          <Icon name="info" size={20} />
          <p>No destinations yet. Add one to upload files by dropping them on the window.</p>
        </div>
      ) : (
        <ul className="dest-list" aria-label="Upload destinations">
          {destinations.map((d) => (
            <li key={d.id} className="dest">
              <div className="dest__main">
                <span className="dest__name">{d.name}</span>
                <span className="dest__meta">
                  <span className="tag">{d.protocol === 'tus' ? 'tus' : `${d.method} · ${d.protocol}`}</span>
                  <code>{d.url}</code>
                  {d.headers.length > 0 && <span className="tag">{d.headers.length} header{d.headers.length === 1 ? '' : 's'}</span>}
                </span>
              </div>
              <button type="button" className="btn btn--small" aria-label={`Edit ${d.name}`} onClick={() => setEditing(d)}>
                Edit
              </button>
              <button type="button" className="btn btn--small btn--danger" aria-label={`Delete ${d.name}`} onClick={() => void del(d)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="btn btn--primary" onClick={() => setEditing('new')}>
        <Icon name="plus" /> Add destination
      </button>
    </div>
  );
}
