// The engine's tunables, as the settings store hands them over. Defaults err on the side of
// being polite to servers: few connections, patient retries.
import { SYSTEM_PROXY, type ProxyChoice } from '../../shared/proxy';

export interface EngineSettings {
  maxActive: number;
  maxPerHost: number;
  downloadLimit: number | null;
  uploadLimit: number | null;
  stallTimeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** How transfers without a proxy of their own reach the network (read at every attempt). */
  proxy: ProxyChoice;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  maxActive: 3,
  maxPerHost: 2,
  downloadLimit: null,
  uploadLimit: null,
  stallTimeoutMs: 30_000,
  maxRetries: 8,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
  proxy: SYSTEM_PROXY,
};
