import { expect, test } from 'vitest';
import { handoffAdvice, pairingAdvice, unreachableAdvice } from './pairing-advice';

test('"native messaging host not found" (Chromium) and "No such native application" (Firefox): start Ferry, it installs the pairing', () => {
  for (const reason of ["Ferry's native host is not installed or failed (Specified native messaging host not found.)", 'No such native application dev.ferry.host']) {
    const advice = pairingAdvice(reason);
    expect(advice.problem).toBe('Ferry has not set up pairing for this browser yet.');
    expect(advice.todo).toContain('"ferry rpc"');
    expect(advice.todo).toContain('Settings › aria2 RPC › Copy');
  }
});

test('each reason gets its own advice, naming the command or the setting', () => {
  expect(pairingAdvice('Access to the specified native messaging host is forbidden.').todo).toContain('npm run build:extension');
  expect(pairingAdvice('Native host has exited.').problem).toMatch(/pairing helper could not run/);
  expect(pairingAdvice('Ferry was started but did not answer in time').todo).toContain('Settings › aria2 RPC › "Accept downloads from aria2 clients"');
  expect(pairingAdvice('Ferry is not running').problem).toBe('Ferry is not running.');
  expect(pairingAdvice('Ferry is not running (and this Ferry cannot be started from the browser)').todo).toMatch(/ferry rpc/);
  expect(pairingAdvice('something new')).toEqual({ problem: 'something new.', todo: expect.stringContaining('Find Ferry') });
});

test('paired but unreachable, or the secret refused', () => {
  expect(unreachableAdvice('http://127.0.0.1:6800/jsonrpc', 'Ferry is not running, or not at … (Failed to fetch)').problem).toBe('Ferry does not answer at http://127.0.0.1:6800/jsonrpc.');
  expect(unreachableAdvice('http://127.0.0.1:6800/jsonrpc', 'Unauthorized').todo).toMatch(/Find Ferry/);
});

test('a handoff Ferry did not take gets advice only when the connection is the cause', () => {
  const endpoint = 'http://127.0.0.1:6800/jsonrpc';
  expect(handoffAdvice('not paired with Ferry yet', endpoint)?.problem).toBe('The extension is not paired with Ferry yet.');
  expect(handoffAdvice(`Ferry is not running, or not at ${endpoint} (Failed to fetch)`, endpoint)?.problem).toBe(`Ferry does not answer at ${endpoint}.`);
  expect(handoffAdvice('no answer within 3000 ms', endpoint)?.todo).toMatch(/Start Ferry/);
  expect(handoffAdvice("We encountered a problem while processing the option '--ferry-variant'", endpoint)).toBeUndefined();
});
