// The options page: pair through the native host, or type endpoint and secret; capture rules.
import { askNativeHost } from './pairing';
import { pairingAdvice, unreachableAdvice } from './pairing-advice';
import { describeServer, probe } from './rpc-client';
import { isLoopbackHttpUrl, parseFileTypes } from './settings';
import { loadSettings, saveSettings } from './storage';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const endpoint = $<HTMLInputElement>('endpoint');
const secret = $<HTMLInputElement>('secret');
const capture = $<HTMLInputElement>('capture');
const minSize = $<HTMLInputElement>('min-size');
const fileTypes = $<HTMLInputElement>('file-types');
const status = $<HTMLDivElement>('status');

function say(text: string, ok: boolean): void {
  status.textContent = text;
  status.className = ok ? 'ok' : 'bad';
}

async function show(): Promise<void> {
  const s = await loadSettings();
  endpoint.value = s.endpoint;
  secret.value = s.secret;
  capture.checked = s.capture;
  minSize.value = String(s.minSizeMiB);
  fileTypes.value = s.fileTypes.join(' ');
  $('paired-by').textContent = s.pairedBy === 'native' ? 'paired automatically' : s.pairedBy === 'manual' ? 'set by hand' : 'not paired yet';
}

$('save').addEventListener('click', async () => {
  if (!isLoopbackHttpUrl(endpoint.value)) return say('The endpoint must be an http URL on this computer (127.0.0.1, localhost or [::1]).', false);
  const min = Number(minSize.value);
  if (!Number.isFinite(min) || min < 0) return say('The minimum size must be 0 or more.', false);
  await saveSettings({ endpoint: endpoint.value.trim(), secret: secret.value, capture: capture.checked, minSizeMiB: min, fileTypes: parseFileTypes(fileTypes.value), pairedBy: 'manual' });
  await show();
  say('Saved.', true);
});

$('test').addEventListener('click', async () => {
  const answer = await probe({ endpoint: endpoint.value.trim(), secret: secret.value }, 2000);
  if (answer.ok) return say(`${describeServer(answer)} answers.`, true);
  const advice = unreachableAdvice(endpoint.value.trim(), answer.reason);
  say(`${advice.problem} ${advice.todo} (${answer.reason})`, false);
});

$('pair').addEventListener('click', async () => {
  const answer = await askNativeHost(true);
  if (!answer.ok) {
    const advice = pairingAdvice(answer.reason);
    return say(`${advice.problem} ${advice.todo}`, false);
  }
  if (!isLoopbackHttpUrl(answer.endpoint)) return say(`Ferry's native host named an endpoint off this computer (${answer.endpoint}); not used.`, false);
  await saveSettings({ endpoint: answer.endpoint, secret: answer.secret, pairedBy: 'native' });
  await show();
  say('Paired with Ferry.', true);
});

void show();
