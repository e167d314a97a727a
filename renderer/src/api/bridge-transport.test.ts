// In the desktop app the page never sends a path: a dropped File is traded for the main process's
// handle, and files chosen in the native dialog are already handles.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChosenFile, FerryApi, Reply } from '../../../shared/contract';
import { uploadFiles } from '../lib/actions';
import { bridgeTransport } from './bridge-transport';
import { setTransport } from './current';
import type { FerryBridge } from './transport';

afterEach(() => setTransport(null));

function fakeBridge(calls: unknown[]): FerryBridge {
  const api = new Proxy({} as FerryApi, {
    get: (_t, name) => (input?: unknown) => {
      calls.push({ name, input });
      return Promise.resolve({ ok: true, value: [] });
    },
  });
  return Object.assign(Object.create(api) as FerryBridge, {
    chooseDroppedFile: (file: File): Promise<Reply<ChosenFile>> =>
      Promise.resolve(
        file.name === 'folder'
          ? { ok: false, error: { code: 'INVALID_INPUT', message: 'Only files (not folders) can be uploaded' } }
          : { ok: true, value: { handle: `h-${file.name}`, name: file.name, size: file.size } },
      ),
  });
}

describe('desktop uploads', () => {
  it('send handles for dropped and dialog-chosen files, never paths', async () => {
    const calls: { name: string; input: unknown }[] = [];
    setTransport(bridgeTransport(fakeBridge(calls)));
    const chosen: ChosenFile = { handle: 'h-dialog', name: 'report.pdf', size: 3 };
    expect(await uploadFiles([new File(['abc'], 'dropped.txt')], [chosen], 'd1')).toBeNull();
    expect(calls).toEqual([{ name: 'addUploads', input: { handles: ['h-dialog', 'h-dropped.txt'], destinationId: 'd1' } }]);
  });

  it('say why a dropped item was refused, and send nothing', async () => {
    const calls: unknown[] = [];
    setTransport(bridgeTransport(fakeBridge(calls)));
    expect(await uploadFiles([new File([], 'folder')], [], 'd1')).toMatch(/“folder”: Only files/);
    expect(calls).toEqual([]);
  });
});
