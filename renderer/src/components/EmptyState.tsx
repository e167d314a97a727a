import { useTransfers } from '../store/transfers-store';
import { ALL } from '../store/filters';
import { useUi } from '../store/ui-store';
import { Icon } from './icons';

const mod = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl';

export function EmptyState({ loaded }: { loaded: boolean }) {
  const total = useTransfers((s) => s.counts.total);
  const filtered = useTransfers((s) => s.filter.state !== 'all' || s.filter.kind !== 'all' || s.filter.search.trim() !== '');
  if (!loaded) {
    return (
      <div className="empty" role="status">
        <div className="spinner" aria-hidden="true" />
        <p className="empty__hint">Connecting to Ferry…</p>
      </div>
    );
  }
  if (total > 0 && filtered) {
    return (
      <div className="empty" role="status">
        <Icon name="search" size={32} className="empty__icon" />
        <h2 className="empty__title">Nothing matches</h2>
        <p className="empty__hint">No transfer fits this filter or search.</p>
        <button type="button" className="btn" onClick={() => useTransfers.getState().setFilter(ALL)}>
          Show all transfers
        </button>
      </div>
    );
  }
  return (
    <div className="empty" role="status">
      <div className="empty__art" aria-hidden="true">
        <Icon name="download" size={30} />
      </div>
      <h2 className="empty__title">No transfers yet</h2>
      <p className="empty__hint">
        Paste a link with <kbd>{mod}</kbd> <kbd>V</kbd>, drop links or files anywhere in this window, or start here:
      </p>
      <div className="empty__actions">
        <button type="button" className="btn btn--primary" onClick={() => useUi.getState().openAdd()}>
          <Icon name="plus" /> Add downloads
        </button>
        <button type="button" className="btn" onClick={() => useUi.getState().openUpload({})}>
          <Icon name="upload" /> Upload files
        </button>
      </div>
      <p className="empty__small">Downloads resume where they stopped, even after a restart.</p>
    </div>
  );
}
