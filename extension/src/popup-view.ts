// The popup's lists as DOM: the videos of the tab (with the variant to take) and the recent
// handoffs with their progress. Text only through textContent: titles and URLs come from pages.
import type { HandoffRecord } from './handoff-log';
import type { ProgressLine } from './handoff-progress';
import { formatDuration } from './format';
import type { PairingAdvice } from './pairing-advice';
import { videoTitle, type DetectedVideo } from './video-list';

type Props = { className?: string; text?: string; title?: string; hidden?: boolean };

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, children: Node[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  if (props.title) node.title = props.title;
  if (props.hidden) node.hidden = true;
  node.append(...children);
  return node;
}

export interface VideoRowState {
  variant: string;
  result?: { ok: boolean; text: string; advice?: PairingAdvice };
  busy?: boolean;
}

export function videoRow(video: DetectedVideo, state: VideoRowState, onDownload: (variant: string) => void): HTMLLIElement {
  const summary = video.summary;
  const facts: string[] = [video.kind === 'hls' ? 'HLS' : 'DASH'];
  if (summary?.durationSeconds) facts.push(formatDuration(summary.durationSeconds));
  if (summary && summary.variants.length > 1) facts.push(`${summary.variants.length} variants`);
  if (video.detailsMissing) facts.push(`details not read: ${video.detailsMissing}`);
  const select = el('select');
  select.setAttribute('aria-label', `Variant of ${videoTitle(video)}`);
  // The best's size alone keeps the list narrow beside the button; the full labels follow.
  select.append(el('option', { text: summary?.variants[0] ? `Best (${summary.variants[0].label.split(' · ')[0]})` : 'Best available' }));
  (select.lastChild as HTMLOptionElement).value = '';
  for (const variant of summary?.variants ?? []) {
    const option = el('option', { text: variant.label });
    option.value = variant.value;
    select.append(option);
  }
  select.value = state.variant;
  select.disabled = (summary?.variants.length ?? 0) < 2;
  const button = el('button', { text: 'Download video with Ferry' });
  button.type = 'button';
  button.disabled = Boolean(state.busy || summary?.problem);
  button.addEventListener('click', () => onDownload(select.value));
  const row = el('li', { className: 'video' }, [
    el('div', { className: 'title', text: videoTitle(video), title: videoTitle(video) }),
    el('div', { className: 'url', text: shortUrl(video.url), title: video.url }),
    el('div', { className: 'facts', text: facts.join(' · ') }),
  ]);
  if (summary?.problem) row.append(el('div', { className: 'facts problem', text: summary.problem }));
  row.append(el('div', { className: 'actions' }, [select, button]));
  if (state.result) {
    const result = el('div', { className: `result ${state.result.ok ? 'ok' : 'bad'}`, text: state.result.text });
    result.setAttribute('role', 'status');
    if (state.result.advice) result.append(el('div', { className: 'todo', text: state.result.advice.todo }));
    row.append(result);
  }
  return row;
}

export function handoffRow(record: HandoffRecord, progress: ProgressLine | undefined): HTMLLIElement {
  const row = el('li', { className: `handoff tone-${progress?.tone ?? 'idle'}` }, [
    el('div', { className: 'row' }, [el('span', { className: 'name', text: progress?.fileName ?? record.name, title: record.url }), el('span', { className: 'kind', text: record.kind === 'video' ? 'video' : 'file' })]),
  ]);
  if (progress?.percent !== undefined) {
    const fill = el('div');
    fill.style.width = `${progress.percent}%`;
    const bar = el('div', { className: 'bar' }, [fill]);
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuenow', String(progress.percent));
    bar.setAttribute('aria-label', `Progress of ${record.name}`);
    row.append(bar);
  }
  row.append(el('div', { className: `text${progress?.tone === 'failed' ? ' failed' : ''}`, text: progress?.text ?? 'Asking Ferry…' }));
  return row;
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}
