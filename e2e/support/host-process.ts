// Starts e2e/support/host-fixture.ts as a child process and reads its one JSON line.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { HostFixtureInfo } from './host-fixture';

const ROOT = resolve(import.meta.dirname, '../..');

/** `rpc`: the host also serves the aria2 RPC on a free port (info.rpc says where). */
export async function startHostFixture(options: { rpc?: boolean } = {}): Promise<{ info: HostFixtureInfo; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'e2e/support/host-fixture.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...(options.rpc ? { FERRY_E2E_RPC: '1' } : {}) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<HostFixtureInfo>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`host fixture did not start in 60 s\n${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      try {
        ok(JSON.parse(line) as HostFixtureInfo);
      } catch {
        fail(new Error(`host fixture printed ${line}\n${stderr}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`host fixture exited with ${code}\n${stderr}`));
    });
  });
  return {
    info,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
