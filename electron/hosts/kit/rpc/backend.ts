// What the aria2 RPC needs from its host: the one service, called as a browser or RPC client
// (callers.ts: downloads only, the allowlisted folders, a few settings), its current views and
// settings for answers aria2 clients ask for every second, and, where the host allows it, a way
// to stop (aria2.shutdown).
import type { Reply, RequestName } from '../../../../shared/contract';
import type { Settings, SettingsPatch } from '../../../../shared/settings';
import { RPC_SETTABLE } from '../service/callers';
import type { FerryService } from '../service/ferry-service';
import type { TransferViews } from '../service/transfer-views';

export { RPC_SETTABLE };
export type RpcSettingsPatch = Pick<SettingsPatch, (typeof RPC_SETTABLE)[number]>;

export interface RpcBackend {
  /** One call of the contract as a client. */
  call(name: RequestName, input?: unknown): Promise<Reply<unknown>>;
  views: TransferViews;
  /** As every UI sees them; read at every request (which origins may call, where clients save). */
  settings(): Settings;
  /** The download a handed-over one was continued as (FerryService.continuedAs), if it was. */
  continuedAs?: (id: string) => string | undefined;
  /** Present only where aria2.shutdown may stop the process (`ferry rpc`); the desktop app refuses it. */
  shutdown?: () => void;
}

export function serviceBackend(service: Pick<FerryService, 'handle' | 'views' | 'settings' | 'continuedAs'>, shutdown?: () => void): RpcBackend {
  return {
    call: (name, input) => service.handle(name, input, 'client'),
    continuedAs: (id) => service.continuedAs(id),
    views: service.views,
    settings: () => service.settings(),
    ...(shutdown ? { shutdown } : {}),
  };
}
