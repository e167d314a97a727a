// The toolbar popup: whether Ferry is paired and answers, the capture switch, the videos of the tab
// (also opened as popup.html?tab=ID, e.g. from a test, for that tab), and the last handoffs with
// their progress, which it asks Ferry for every second while open.
import { recentHandoffs } from './handoff-log';
import { progressLine } from './handoff-progress';
import { LAST_PROBLEM_KEY, PAIRING_PROBLEM_KEY, type PopupRequest, type VideoHandoffAnswer } from './messages';
import { askNativeHost } from './pairing';
import { handoffAdvice, pairingAdvice, unreachableAdvice, type PairingAdvice } from './pairing-advice';
import { handoffRow, videoRow, type VideoRowState } from './popup-view';
import { describeServer, probe, tellStatuses } from './rpc-client';
import { isLoopbackHttpUrl, type ExtensionSettings } from './settings';
import { loadSettings, saveSettings } from './storage';
import { visibleVideos } from './video-list';
import { readTab, tabOfKey } from './video-store';

const SHOWN_HANDOFFS = 5;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const connection = $<HTMLSpanElement>('connection');
const notice = $<HTMLElement>('notice');
const find = $<HTMLButtonElement>('find');
const capture = $<HTMLInputElement>('capture');
const rowState = new Map<string, VideoRowState>();
let settings: ExtensionSettings;
let connected = false;
/** A video the context menu could not hand over (the worker opened this popup to say so). */
let lastProblem: string | undefined;

async function targetTab(): Promise<number | undefined> {
  const asked = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(asked) && asked > 0) return asked;
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

function showNotice(advice: PairingAdvice | undefined, offerFind: boolean): void {
  notice.hidden = !advice;
  if (!advice) return;
  notice.querySelector('.problem')!.textContent = advice.problem;
  notice.querySelector('.todo')!.textContent = advice.todo;
  find.hidden = !offerFind;
}

async function showConnection(): Promise<void> {
  settings = await loadSettings();
  capture.checked = settings.capture;
  showCapture();
  if (!settings.secret) {
    connected = false;
    connection.textContent = 'Not paired';
    connection.className = 'pill bad';
    const problem = (await chrome.storage.session.get(PAIRING_PROBLEM_KEY))[PAIRING_PROBLEM_KEY];
    showNotice(pairingAdvice(typeof problem === 'string' ? problem : 'not paired with Ferry yet'), settings.pairedBy !== 'manual');
    return;
  }
  const answer = await probe({ endpoint: settings.endpoint, secret: settings.secret }, 1500);
  connected = answer.ok;
  connection.textContent = answer.ok ? `Paired · ${describeServer(answer)}` : 'Not reachable';
  connection.className = `pill ${answer.ok ? 'ok' : 'bad'}`;
  if (!answer.ok) showNotice(unreachableAdvice(settings.endpoint, answer.reason), settings.pairedBy !== 'manual');
  else if (lastProblem) showNotice({ problem: `Ferry did not take the video: ${lastProblem}`, todo: handoffAdvice(lastProblem, settings.endpoint)?.todo ?? '' }, false);
  else showNotice(undefined, false);
}

function showCapture(): void {
  $('capture-state').textContent = capture.checked ? 'On: Alt+click a link to keep that one in the browser' : 'Paused: the browser keeps its downloads';
  capture.closest('.switch-row')!.classList.toggle('paused', !capture.checked);
}

async function showVideos(tabId: number | undefined): Promise<void> {
  const videos = tabId === undefined ? [] : visibleVideos(await readTab(tabId));
  const list = $<HTMLUListElement>('videos');
  $('no-videos').hidden = videos.length > 0;
  $('videos-heading').textContent = videos.length > 0 ? `Videos on this page (${videos.length})` : 'Videos on this page';
  list.replaceChildren(
    ...videos.map((video) => {
      const state = rowState.get(video.url) ?? { variant: '' };
      rowState.set(video.url, state);
      return videoRow(video, state, (variant) => void download(tabId!, video.url, variant));
    }),
  );
}

async function download(tabId: number, url: string, variant: string): Promise<void> {
  const state: VideoRowState = { variant, busy: true, result: { ok: true, text: 'Handing it to Ferry…' } };
  rowState.set(url, state);
  await showVideos(tabId);
  const request: PopupRequest = { type: 'ferry-video-download', tabId, url, ...(variant ? { variant } : {}) };
  const answer = (await chrome.runtime.sendMessage(request)) as VideoHandoffAnswer | undefined;
  if (answer?.accepted) {
    rowState.set(url, { variant, result: { ok: true, text: 'Ferry took it: see its progress below.' } });
  } else {
    const reason = answer?.reason ?? 'the extension did not answer';
    const advice = handoffAdvice(reason, settings.endpoint);
    rowState.set(url, { variant, result: { ok: false, text: `Ferry did not take it: ${reason}`, ...(advice ? { advice } : {}) } });
  }
  await showVideos(tabId);
  await showHandoffs();
}

async function showHandoffs(): Promise<void> {
  const records = (await recentHandoffs()).slice(0, SHOWN_HANDOFFS);
  $('no-handoffs').hidden = records.length > 0;
  const answer = connected && records.length > 0 ? await tellStatuses({ endpoint: settings.endpoint, secret: settings.secret }, records.map((r) => r.gid), 1500) : undefined;
  $<HTMLUListElement>('handoffs').replaceChildren(
    ...records.map((record, i) => handoffRow(record, answer?.ok ? progressLine(answer.statuses[i]) : connected ? undefined : { text: 'Progress shows while Ferry answers', tone: 'idle' })),
  );
}

capture.addEventListener('change', async () => {
  await saveSettings({ capture: capture.checked });
  showCapture();
});

find.addEventListener('click', async () => {
  find.disabled = true;
  find.textContent = 'Looking for Ferry…';
  const answer = await askNativeHost(true);
  find.disabled = false;
  find.textContent = 'Find Ferry';
  if (!answer.ok) return showNotice(pairingAdvice(answer.reason), true);
  if (!isLoopbackHttpUrl(answer.endpoint)) return showNotice(pairingAdvice(`Ferry's native host named an endpoint off this computer (${answer.endpoint})`), true);
  await saveSettings({ endpoint: answer.endpoint, secret: answer.secret, pairedBy: 'native' });
  await chrome.storage.session.remove(PAIRING_PROBLEM_KEY);
  await showConnection();
  await showHandoffs();
});

void (async () => {
  const tabId = await targetTab();
  const problem = (await chrome.storage.session.get(LAST_PROBLEM_KEY))[LAST_PROBLEM_KEY] as { reason?: unknown } | undefined;
  if (typeof problem?.reason === 'string') lastProblem = problem.reason;
  // Said once: the next popup starts clean.
  await chrome.storage.session.remove(LAST_PROBLEM_KEY);
  chrome.storage.session.onChanged.addListener((changes) => {
    if (Object.keys(changes).some((key) => tabOfKey(key) === tabId)) void showVideos(tabId);
  });
  await Promise.all([showConnection(), showVideos(tabId)]);
  await showHandoffs();
  setInterval(() => void showHandoffs(), 1000);
  setInterval(() => void showConnection(), 5000);
})();
