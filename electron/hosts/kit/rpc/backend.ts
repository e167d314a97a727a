// What the RPC server needs from its host: the engine (public API only) and the user's settings.
// The desktop app, `ferry serve` and `ferry rpc` each hand in their own.
import type { Settings, SettingsPatch } from '../../../../shared/settings';
import type { TransferEngine } from '../../../engine/index';

export type RpcEngine = Pick<
  TransferEngine,
  'on' | 'off' | 'get' | 'list' | 'addDownload' | 'pause' | 'resume' | 'cancel' | 'remove' | 'reorder' | 'setTransferSpeedLimit' | 'transferProxy' | 'setTransferProxy' | 'downloadUrls' | 'setDownloadUrls'
>;

/**
 * The settings aria2 clients may change (changeGlobalOption; the proxy as aria2's all-proxy & co.). Which folders and origins the RPC
 * accepts, and whether it runs, are the user's to set in Ferry's own UI, never a caller's.
 */
export const RPC_SETTABLE = ['downloadDirectory', 'maxActive', 'downloadLimit', 'uploadLimit', 'maxRetries', 'proxy'] as const satisfies readonly (keyof Settings)[];
export type RpcSettingsPatch = Pick<SettingsPatch, (typeof RPC_SETTABLE)[number]>;

export interface RpcBackend {
  engine: RpcEngine;
  getSettings(): Settings;
  /** Validates and saves, and tells the UIs; throws with a readable message when refused. */
  updateSettings(patch: RpcSettingsPatch): Promise<Settings>;
  /** Present only where aria2.shutdown may stop the process (`ferry rpc`); the desktop app refuses it. */
  shutdown?: () => void;
}

/** The backend over the shared service wiring, so RPC settings changes reach every UI. */
export function serviceBackend(
  engine: RpcEngine,
  service: { handle(name: unknown, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: { message: string } }> },
  settings: { get(): Settings },
  shutdown?: () => void,
): RpcBackend {
  return {
    engine,
    getSettings: () => settings.get(),
    async updateSettings(patch) {
      const refused = Object.keys(patch).filter((key) => !(RPC_SETTABLE as readonly string[]).includes(key));
      if (refused.length > 0) throw new Error(`${refused.join(', ')} can only be changed in Ferry's own settings`);
      const reply = await service.handle('setSettings', patch);
      if (!reply.ok) throw new Error(reply.error.message);
      return reply.value as Settings;
    },
    ...(shutdown ? { shutdown } : {}),
  };
}
