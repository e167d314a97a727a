// One row of the list. It subscribes to its own transfer and selection flag only, so a
// progress tick for another transfer never renders it.
import { memo, useEffect, useState } from 'react';
import type { MouseEvent } from 'react';
import type { TransferView } from '../../../shared/transfer';
import { canOpenFiles } from '../api/current';
import { canPause, canResume, canRetry, copyText, openFile, pause, resume, retry } from '../lib/actions';
import { cancelWithUndo, pendingText, removeWithUndo } from '../lib/undoable';
import { formatSpeed, heldLine, percent, STATE_LABEL, statusLine } from '../lib/format';
import { countRowRender } from '../lib/render-count';
import { whereOf } from '../store/filters';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { Icon } from './icons';
import type { IconName } from './icons';
import { ProgressBar } from './ProgressBar';

export const ROW_HEIGHT = 56;

interface RowProps {
  id: string;
  index: number;
  top: number;
}

export const TransferRow = memo(function TransferRow({ id, index, top }: RowProps) {
  countRowRender(id);
  const v = useTransfers((s) => s.byId.get(id));
  const selected = useUi((s) => s.selected.has(id));
  const focused = useUi((s) => s.focused === id);
  const pending = useUi((s) => s.pending.get(id));
  const telling = useTransfers((s) => (v ? s.repeatedNames.get(v.name) : undefined));
  // A browser's handoff held for a continue offer has fetched nothing yet: its row says what it waits for.
  const heldFor = useTransfers((s) => s.offers.find((offer) => offer.heldId === id));
  const now = useRetryCountdown(v?.state === 'queued' ? v.nextRetryAt : undefined);
  // Disconnected, a moving transfer's state is unknown: its last speed and "Active" would be stale news.
  const stale = useTransfers((s) => s.connection !== 'open') && (v?.state === 'active' || v?.state === 'queued');
  if (!v) return null;
  const status = stale ? staleLine(v) : (pendingText(pending, v) ?? (heldFor && v.state === 'paused' ? heldLine(heldFor) : statusLine(v, now)));
  const stateLabel = stale ? 'Unknown' : STATE_LABEL[v.state];

  // Indeterminate (moving) only while bytes flow; a stopped transfer of unknown size shows an empty bar.
  const pct = percent(v) ?? (v.state === 'active' ? null : 0);
  const tone = v.state === 'failed' || v.state === 'canceled' ? 'danger' : v.state === 'completed' ? 'success' : v.state === 'paused' || v.state === 'queued' ? 'muted' : 'accent';

  function onMouseDown(e: MouseEvent) {
    if (e.button === 2 && useUi.getState().selected.has(id)) return; // keep a multi-selection for the menu
    const mode = e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only';
    useUi.getState().select(id, mode);
  }

  return (
    <div
      id={`row-${id}`}
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      aria-label={`${v.name}, ${stateLabel}`}
      data-state={v.state}
      data-stale={stale || undefined}
      data-id={id}
      draggable
      className={`row${selected ? ' row--selected' : ''}${focused ? ' row--focused' : ''}${stale ? ' row--stale' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onMouseDown={onMouseDown}
      onDoubleClick={() => useUi.getState().setDetailsOpen(true)}
      onContextMenu={(e) => {
        e.preventDefault();
        useUi.getState().openMenu(e.clientX, e.clientY);
      }}
    >
      <div role="gridcell" className={`row__kind row__kind--${v.kind}`} aria-label={v.kind === 'download' ? 'Download' : 'Upload'}>
        <Icon name={v.kind === 'download' ? 'download' : 'upload'} size={16} />
      </div>
      <div role="gridcell" className="row__main">
        <div className="row__name" title={telling ? `${v.name} — ${whereOf(v, telling)}` : v.name}>
          {v.name}
          {telling && <span className="row__where"> — {whereOf(v, telling)}</span>}
          {v.priority && <span className={`row__priority row__priority--${v.priority}`}>{v.priority === 'high' ? 'High priority' : 'Low priority'}</span>}
        </div>
        <div className={`row__status${v.state === 'failed' ? ' row__status--error' : ''}`} title={status}>
          {status}
        </div>
      </div>
      <div role="gridcell" className="row__progress">
        <ProgressBar value={pct} label={`Progress of ${v.name}`} tone={tone} />
        <span className="row__pct">{percent(v) === null ? '' : `${Math.floor(pct ?? 0)}%`}</span>
      </div>
      <div role="gridcell" className="row__speed">
        {v.state === 'active' && !stale ? formatSpeed(v.progress.speed) : ''}
      </div>
      <div role="gridcell" className="row__state">
        <span className={`pill pill--${stale ? 'unknown' : v.state}`} title={stale ? `${STATE_LABEL[v.state]} when the connection to Ferry was lost` : undefined}>
          {stateLabel}
        </span>
      </div>
      <div
        role="gridcell"
        className="row__actions"
        onMouseDown={(e) => {
          // Row buttons neither change the selection nor take focus from the list.
          e.stopPropagation();
          e.preventDefault();
        }}
      >
        <RowActions v={v} />
      </div>
    </div>
  );
});

/** What a row can honestly say while the host is out of reach: where it was, not what it does now. */
function staleLine(v: TransferView): string {
  const pct = percent(v);
  return `Not connected to Ferry · last seen ${STATE_LABEL[v.state].toLowerCase()}${pct === null ? '' : ` at ${Math.floor(pct)}%`}`;
}

function ActionButton({ icon, label, onClick }: { icon: IconName; label: string; onClick(): void }) {
  return (
    <button type="button" className="icon-btn" aria-label={label} title={label} tabIndex={-1} onClick={onClick}>
      <Icon name={icon} />
    </button>
  );
}

function RowActions({ v }: { v: TransferView }) {
  const ids = [v.id];
  return (
    <>
      {canPause(v) && <ActionButton icon="pause" label="Pause" onClick={() => void pause(ids)} />}
      {canResume(v) && <ActionButton icon="play" label="Resume" onClick={() => void resume(ids)} />}
      {canRetry(v) && <ActionButton icon="retry" label="Retry" onClick={() => void retry(ids)} />}
      {canOpenFiles() && v.state === 'completed' && v.kind === 'download' && <ActionButton icon="open" label="Open" onClick={() => void openFile(v.id)} />}
      {(canPause(v) || canResume(v)) && <ActionButton icon="x" label="Cancel" onClick={() => cancelWithUndo(ids)} />}
      {!canPause(v) && !canResume(v) && <ActionButton icon="trash" label="Remove" onClick={() => removeWithUndo(ids)} />}
      <ActionButton icon="link" label="Copy URL" onClick={() => void copyText(v.url)} />
      <button
        type="button"
        className="icon-btn"
        aria-label="More actions"
        title="More actions"
        tabIndex={-1}
        onClick={(e) => {
          const ui = useUi.getState();
          if (!ui.selected.has(v.id)) ui.select(v.id, 'only');
          const r = e.currentTarget.getBoundingClientRect();
          useUi.getState().openMenu(r.left, r.bottom);
        }}
      >
        <span aria-hidden="true" className="dots">⋯</span>
      </button>
    </>
  );
}

/** The time, ticking once a second only while this row waits for a retry (a countdown to show). */
function useRetryCountdown(nextRetryAt: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (nextRetryAt === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [nextRetryAt]);
  return now;
}
