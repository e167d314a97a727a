// The contract over Electron IPC: `ipcMain.handle` on one channel per request name. Each call is
// accepted only from the main frame of one of Ferry's own windows showing Ferry's own page
// (VS Code's validatedIpcMain idea), and its input is validated by the contract before the
// service sees it. Events go to every trusted window on one channel.
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { REQUEST_NAMES, type EventName, type Events, type Reply, type RequestName } from '../../../../shared/contract';
import type { ContractService } from '../../../../shared/wire/contract-server';
import { callChannel, EVENT_CHANNEL } from './channels';

export interface IpcHostOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** The service as the window calls it (caller `window`). */
  service: ContractService;
  /** The web contents of Ferry's windows, right now. */
  windows(): WebContents[];
  /** Whether a URL is Ferry's own page (app://ferry/...). */
  isAppUrl(url: string): boolean;
  /** After a trusted call was answered (the app flushes queued offers after the first snapshot). */
  afterCall?(name: RequestName): void;
}

const FORBIDDEN: Reply<never> = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'Calls are only accepted from Ferry’s own window' },
};

export function isTrustedFrame(frame: WebFrameMain | null | undefined, windows: WebContents[], isAppUrl: (url: string) => boolean): boolean {
  if (!frame || frame.parent !== null) return false;
  // Same frame: the same object, or the same process and routing ids (a fresh wrapper of it).
  const sameFrame = (main: WebFrameMain) =>
    main === frame || (main.processId !== undefined && main.processId === frame.processId && main.routingId === frame.routingId);
  if (!windows.some((contents) => !contents.isDestroyed() && sameFrame(contents.mainFrame))) return false;
  return isAppUrl(frame.url);
}

export function registerIpcHost(options: IpcHostOptions): () => void {
  const { ipcMain, service } = options;
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(callChannel(name), async (event: IpcMainInvokeEvent, input: unknown) => {
      if (!isTrustedFrame(event.senderFrame, options.windows(), options.isAppUrl)) return FORBIDDEN;
      const reply = await service.handle(name, input);
      if (options.afterCall) setTimeout(() => options.afterCall?.(name), 0);
      return reply;
    });
  }
  const unsubscribe = service.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
    for (const contents of options.windows()) {
      if (!contents.isDestroyed() && options.isAppUrl(contents.getURL())) contents.send(EVENT_CHANNEL, event, payload);
    }
  });
  return () => {
    unsubscribe();
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(callChannel(name));
  };
}
