// Ferry's native-messaging host: the browser starts it for Ferry's extension, sends one
// {type:'pair', launch} message and reads one answer: where Ferry's RPC answers and its secret.
// With launch set and Ferry not running, it starts Ferry (the desktop app, in the tray) and waits
// a little for it. Nothing but framed messages may reach stdout: the browser reads it.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '../kit/browser-pairing/extension-ids';
import { decodeMessages, encodeMessage } from './framing';
import type { LaunchCommand } from '../kit/browser-pairing/manifests';
import { readEndpointFile } from '../kit/data-dir/endpoint-file';

export interface NativeHostOptions {
  dataDir: string;
  /** The caller's origin, which Chromium passes as the first argument (Firefox: the manifest path, then the id). */
  callerArgs: readonly string[];
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  launchWaitMs?: number;
}

export type PairReply = { ok: true; endpoint: string; secret: string } | { ok: false; reason: string };

export async function runNativeHost(options: NativeHostOptions): Promise<void> {
  const { input, output } = options;
  if (!callerIsFerry(options.callerArgs)) {
    output.write(encodeMessage({ ok: false, reason: 'this host answers Ferry\'s own extension only' }));
    return;
  }
  let buffer: Buffer = Buffer.alloc(0);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const decoded = decodeMessages(Buffer.concat([buffer, chunk]));
    buffer = decoded.rest;
    for (const message of decoded.messages) output.write(encodeMessage(await answer(message, options)));
    if (decoded.error) {
      output.write(encodeMessage({ ok: false, reason: decoded.error }));
      return;
    }
  }
}


export function callerIsFerry(args: readonly string[]): boolean {
  return args.some((a) => a === `chrome-extension://${CHROMIUM_EXTENSION_ID}/` || a === FIREFOX_EXTENSION_ID);
}

async function answer(message: unknown, options: NativeHostOptions): Promise<PairReply> {
  const m = message as { type?: unknown; launch?: unknown } | null;
  if (m?.type !== 'pair') return { ok: false, reason: 'unknown request' };
  const running = await readEndpointFile(options.dataDir);
  if (running) return { ok: true, endpoint: running.endpoint, secret: running.secret };
  if (m.launch !== true) return { ok: false, reason: 'Ferry is not running' };
  const launch = await readLaunchCommand(options.dataDir);
  if (!launch) return { ok: false, reason: 'Ferry is not running (and this Ferry cannot be started from the browser)' };
  spawn(launch.command, launch.args, { detached: true, stdio: 'ignore' }).unref();
  const deadline = Date.now() + (options.launchWaitMs ?? 10_000);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const started = await readEndpointFile(options.dataDir);
    if (started) return { ok: true, endpoint: started.endpoint, secret: started.secret };
  }
  return { ok: false, reason: 'Ferry was started but did not answer in time' };
}

async function readLaunchCommand(dataDir: string): Promise<LaunchCommand | null> {
  try {
    const value = JSON.parse(await readFile(path.join(dataDir, 'native-host', 'launch.json'), 'utf8')) as LaunchCommand | null;
    return value && typeof value.command === 'string' && Array.isArray(value.args) ? value : null;
  } catch {
    return null;
  }
}
