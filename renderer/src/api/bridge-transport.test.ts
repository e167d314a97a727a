// In the desktop app the page never sends a path: one drop's Files are traded, in one call, for the
// main process's handles, and files chosen in the native dialog are already handles.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChosenFile, FerryApi, Reply } from '../../../shared/contract';
import { uploadFiles } from '../lib/actions';
import { bridgeTransport } from './bridge-transport';
import { setTransport } from './current';
import type { FerryBridge } from './transport';

afterEach(() => setTransport(null));

function fakeBridge(calls: unknown[], drops: string[][] = []): FerryBridge {
  const api = new Proxy({} as FerryApi, {
    get: (_t, name) => (input?: unknown) => {
      calls.push({ name, input });
      return Promise.resolve({ ok: true, value: [] });
    },
  });
  return Object.assign(Object.create(api) as FerryBridge, {
    chooseDroppedFiles: (files: File[]): Promise<Reply<ChosenFile[]>> => {
      drops.push(files.map((f) => f.name));
      return Promise.resolve(
        files.some((f) => f.name === 'folder')
          ? { ok: false, error: { code: 'INVALID_INPUT', message: '“folder” is a folder or device: only files (not folders) can be uploaded' } }
          : { ok: true, value: files.map((file) => ({ handle: `h-${file.name}`, name: file.name, size: file.size })) },
      );
    },
  });
}

describe('desktop uploads', () => {
  it('send handles for dropped and dialog-chosen files, never paths; one drop is one question to the main process', async () => {
    const calls: { name: string; input: unknown }[] = [];
    const drops: string[][] = [];
    setTransport(bridgeTransport(fakeBridge(calls, drops)));
    const chosen: ChosenFile = { handle: 'h-dialog', name: 'report.pdf', size: 3 };
    expect(await uploadFiles([new File(['abc'], 'dropped.txt'), new File(['d'], 'other.txt')], [chosen], 'd1')).toBeNull();
    expect(drops).toEqual([['dropped.txt', 'other.txt']]);
    expect(calls).toEqual([{ name: 'addUploads', input: { handles: ['h-dialog', 'h-dropped.txt', 'h-other.txt'], destinationId: 'd1' } }]);
  });

  it('asks the main process nothing when only dialog-chosen files are uploaded', async () => {
    const calls: { name: string; input: unknown }[] = [];
    const drops: string[][] = [];
    setTransport(bridgeTransport(fakeBridge(calls, drops)));
    expect(await uploadFiles([], [{ handle: 'h-dialog', name: 'report.pdf', size: 3 }], 'd1')).toBeNull();
    expect(drops).toEqual([]);
  });

  it('say why a dropped item was refused, and send nothing', async () => {
    const calls: unknown[] = [];
    setTransport(bridgeTransport(fakeBridge(calls)));
    expect(await uploadFiles([new File([], 'folder')], [], 'd1')).toMatch(/“folder” is a folder/);
    expect(calls).toEqual([]);
  });
});
