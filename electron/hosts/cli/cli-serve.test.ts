// `ferry serve` hands over to the headless host: it prints its URL line and stops on SIGINT.
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { runFerry, startFerry, stopStartedFerries, waitFor } from '../../../test-support/ferry-process';

let tmp: string;
beforeEach(async () => {
  tmp = await makeTempDir('ferry-cli-serve-');
});
afterEach(async () => {
  await removeDir(tmp);
});

it('serve prints the headless host URL, answers on it, and stops on SIGINT', async () => {
  const child = startFerry(['serve', '--port', '0', '--data-dir', path.join(tmp, 'data')]);
  try {
    const line = await waitFor(async () => (child.assertRunning(), /Ferry UI: (http:\/\/127\.0\.0\.1:\d+)\/#token=[0-9a-f]{64}/.exec(child.stdout())), 30_000, 'the URL line');
    const response = await fetch(`${line[1]}/api/nothing`);
    expect(response.status).toBe(401); // the host is there, and refuses API calls without the token
    child.process.kill('SIGINT');
    const result = await child.result;
    expect(result.code).toBe(0);
  } finally {
    await stopStartedFerries(); // whatever failed above, no server outlives the test
  }
});

it('serve closes cleanly on a Ctrl-C that comes the moment its URL line shows', async () => {
  // Whoever reads the URL may press Ctrl-C at once; the RPC and local channel may still be starting.
  const child = startFerry(['serve', '--port', '0', '--data-dir', path.join(tmp, 'data')]);
  try {
    child.process.stdout!.on('data', () => {
      if (/Ferry UI: http/.test(child.stdout())) child.process.kill('SIGINT');
    });
    const result = await child.result;
    expect(result.signal, result.stderr).toBe(null); // before the fix: killed by the re-raised SIGINT
    expect(result.code).toBe(0);
  } finally {
    await stopStartedFerries();
  }
});

it('serve refuses a bad port as a usage error', async () => {
  const result = await runFerry(['serve', '--port', 'eighty']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--port/);
});
