// The command run when the queue finishes: a real process, no shell; the finished files arrive as
// arguments, one each, however they are named.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until } from '../../../../test-support/wait';
import { commandWords, runFinishCommand } from './finish-actions';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-finish-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the command when the queue finishes', () => {
  it('splits what was typed as a shell would, and refuses shell operators', () => {
    expect(commandWords(`notify-send "Ferry is done" 'all of it'`)).toEqual({ ok: true, words: ['notify-send', 'Ferry is done', 'all of it'] });
    expect(commandWords('cat $HOME')).toEqual({ ok: true, words: ['cat', '$HOME'] }); // no expansion: no shell
    expect(commandWords('ls | rm -rf x')).toMatchObject({ ok: false, error: expect.stringContaining('"|"') });
    expect(commandWords('echo a; reboot')).toMatchObject({ ok: false, error: expect.stringContaining('";"') });
    expect(commandWords('  ')).toMatchObject({ ok: false, error: 'the command is empty' });
  });

  it('runs the program with the finished files as its last arguments, each one whole', async () => {
    const out = path.join(dir, 'args.txt');
    const files = [path.join(dir, 'a file with spaces.bin'), path.join(dir, `it's "quoted"; rm -rf x.iso`), path.join(dir, '$(reboot).txt')];
    await runFinishCommand(`/bin/sh -c 'printf "%s\\n" "$@" > "${out}"' ferry-finished`, files);
    await until(async () => (await readFile(out, 'utf8').catch(() => '')).split('\n').length === 4, 'the command wrote its arguments');
    expect((await readFile(out, 'utf8')).split('\n').slice(0, 3)).toEqual(files);
  });

  it('says in words when the program cannot start', async () => {
    await expect(runFinishCommand(path.join(dir, 'no-such-program'), [])).rejects.toThrow(/no-such-program could not start: .*ENOENT/);
    await expect(runFinishCommand('a && b', [])).rejects.toThrow('cannot be used');
  });
});
