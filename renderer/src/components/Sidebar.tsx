import type { KindFilter, StateFilter } from '../store/filters';
import { countFor } from '../store/filters';
import { useTransfers } from '../store/transfers-store';
import { removeWithUndo } from '../lib/undoable';
import { Icon } from './icons';
import type { IconName } from './icons';

const STATES: Array<[StateFilter, string, IconName]> = [
  ['all', 'All', 'list'],
  ['active', 'Active', 'bolt'],
  ['queued', 'Queued', 'clock'],
  ['paused', 'Paused', 'pause'],
  ['completed', 'Completed', 'check'],
  ['failed', 'Failed', 'alert'],
  ['canceled', 'Canceled', 'x'],
];
const KINDS: Array<[KindFilter, string, IconName]> = [
  ['all', 'Everything', 'list'],
  ['download', 'Downloads', 'download'],
  ['upload', 'Uploads', 'upload'],
];

export function Sidebar() {
  const filter = useTransfers((s) => s.filter);
  const counts = useTransfers((s) => s.counts);
  const setFilter = useTransfers((s) => s.setFilter);
  return (
    <nav className="sidebar" aria-label="Filters">
      <div className="search">
        <Icon name="search" className="search__icon" />
        <input
          type="search"
          className="input search__input"
          placeholder="Search"
          aria-label="Search transfers"
          value={filter.search}
          onChange={(e) => setFilter({ search: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filter.search) {
              e.preventDefault();
              setFilter({ search: '' });
            }
          }}
        />
      </div>
      <h2 className="sidebar__heading" id="state-filter-label">
        Status
      </h2>
      <ul className="sidebar__list" aria-labelledby="state-filter-label">
        {STATES.map(([id, label, icon]) => (
          <FilterButton
            key={id}
            label={label}
            icon={icon}
            count={countFor(counts, id)}
            on={filter.state === id}
            extraClass={`filter--${id}`}
            onSelect={() => setFilter({ state: id })}
          />
        ))}
      </ul>
      {counts.completed > 0 && (
        <button type="button" className="btn btn--small btn--ghost sidebar__clear" onClick={() => clearCompleted()}>
          <Icon name="check" size={14} /> Clear completed
        </button>
      )}
      <h2 className="sidebar__heading" id="kind-filter-label">
        Type
      </h2>
      <ul className="sidebar__list" aria-labelledby="kind-filter-label">
        {KINDS.map(([id, label, icon]) => (
          <FilterButton
            key={id}
            label={label}
            icon={icon}
            count={id === 'all' ? counts.total : counts[id]}
            on={filter.kind === id}
            onSelect={() => setFilter({ kind: id })}
          />
        ))}
      </ul>
    </nav>
  );
}

function FilterButton(props: { label: string; icon: IconName; count: number; on: boolean; extraClass?: string; onSelect(): void }) {
  const { label, icon, count, on, extraClass, onSelect } = props;
  return (
    <li>
      <button type="button" className={`filter${on ? ' filter--on' : ''}${extraClass ? ` ${extraClass}` : ''}`} aria-pressed={on} onClick={onSelect}>
        <Icon name={icon} />
        <span className="filter__label">{label}</span>
        <span className="filter__count" aria-label={`${count} transfers`}>
          {count > 0 ? count.toLocaleString() : ''}
        </span>
      </button>
    </li>
  );
}

/** Completed transfers leave the list (their files stay on disk), with Undo like any removal. */
function clearCompleted(): void {
  const { order, byId } = useTransfers.getState();
  removeWithUndo(order.filter((id) => byId.get(id)?.state === 'completed'));
}
