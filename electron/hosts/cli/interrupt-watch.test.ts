import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, it } from 'vitest';

// A child that watches and says "ready", notes the first Ctrl-C, and subscribes only after
// `listenAfterMs` (a follower still handing transfers over, or whose Ferry stopped answering).
const CHILD = `
import { watchInterrupts } from './electron/hosts/cli/interrupt-watch.ts';
const watch = watchInterrupts();
process.stdout.write('ready\\n');
const poll = setInterval(() => { if (watch.happened) { process.stdout.write('noticed\\n'); clearInterval(poll); } }, 10);
const busy = setInterval(() => undefined, 1000);
setTimeout(() => {
  watch.onInterrupt(() => { process.stdout.write('stopped\\n'); watch.dispose(); process.exitCode = 130; clearInterval(busy); });
}, Number(process.argv[1]));
`;

async function run(listenAfterMs: number, signals: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, String(listenAfterMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const closed = once(child, 'close') as Promise<[number | null, string | null]>;
    const until = async (line: string) => {
      while (!out.includes(line)) await once(child.stdout, 'data');
    };
    await until('ready');
    child.kill('SIGINT');
    if (signals === 2) {
      await until('noticed'); // signals sent together may arrive as one
      child.kill('SIGINT');
    }
    const [code, signal] = await closed;
    return { code, signal, out };
  } finally {
    child.kill('SIGKILL');
  }
}

it('a Ctrl-C before anyone listens is kept, not the default death by signal', async () => {
  const result = await run(300, 1);
  expect(result).toEqual({ code: 130, signal: null, out: 'ready\nnoticed\nstopped\n' });
}, 20_000);

it('a second Ctrl-C exits at once with 130', async () => {
  const result = await run(60_000, 2);
  expect(result).toEqual({ code: 130, signal: null, out: 'ready\nnoticed\n' });
}, 20_000);
