// A real aria2 RPC server on loopback over Ferry's service and a real engine, for tests of its door and its rules:
//   const host = await startRpcHost({ settings: { rpcAllowedOrigins: ['https://ariang.example'] } });
//   await host.call('aria2.addUri', [[url], { dir }]);      // { status, headers, result?, error? }
//   await host.post(body, { origin: 'http://evil.example' }); // raw: { status, headers, body }
//   await host.close();                                      // server, engine, folders
import http from 'node:http';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Settings, SettingsPatch } from '../shared/settings';
import { openEngine, type TransferEngine } from '../electron/engine/index';
import { serviceBackend, type RpcBackend } from '../electron/hosts/kit/rpc/backend';
import type { GuessDelays } from '../electron/hosts/kit/rpc/guess-gate';
import { startRpcServer, type RpcServer } from '../electron/hosts/kit/rpc/server';
import { openConfBacking } from '../electron/hosts/kit/service/conf-backing';
import { folderChooserOver } from '../electron/hosts/kit/service/rule-folders';
import type { FerryService } from '../electron/hosts/kit/service/ferry-service';
import { makeTempDir, removeDir } from './files';
import { serviceOverEngine } from './service-over-engine';

/** Settings a host finds in `dataDir` when it starts (`ferry rpc`, `ferry serve`), as the user saved them. */
export function seedSettings(dataDir: string, settings: Partial<Settings>): void {
  openConfBacking(dataDir, 'settings').store = { ...settings };
}

export const RPC_TEST_SECRET = 'rpc-host-test-secret-0123';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RpcHost {
  server: RpcServer;
  /** To look into (the records, URLs with their passwords); the RPC itself goes through `service`. */
  engine: TransferEngine;
  service: FerryService;
  /** A home-like folder: `downloads` (the settings' download folder) lives in it. */
  home: string;
  downloads: string;
  settings(): Settings;
  /** The user changes Settings in Ferry's own UI (the owner). */
  changeSettings(patch: SettingsPatch): void;
  /** Every settings patch the RPC asked the service to save, as given. */
  patches: Record<string, unknown>[];
  post(body: string | Buffer, headers?: Record<string, string>, method?: string, agent?: http.Agent | false): Promise<RawAnswer>;
  call(method: string, params?: unknown[], headers?: Record<string, string>): Promise<RawAnswer & { result?: unknown; error?: { code: number; message: string } }>;
  close(): Promise<void>;
}

export function postTo(port: number, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST', agent: http.Agent | false = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/jsonrpc', method, agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function startRpcHost(options: { settings?: Partial<Settings>; secret?: string; guessDelays?: GuessDelays; allowAnyOrigin?: boolean } = {}): Promise<RpcHost> {
  const home = await makeTempDir('ferry-rpc-host-');
  const downloads = path.join(home, 'Downloads');
  await mkdir(downloads);
  const dataDir = path.join(home, 'data');
  // The rules file downloads that name no folder, as in every host (open-host.ts).
  let saved: (() => Settings) | undefined;
  const engine = await openEngine({ dataDir, folderFor: folderChooserOver(() => saved!()) });
  const { service, settingsStore } = serviceOverEngine(engine, dataDir, { downloadDirectory: downloads, ...options.settings });
  saved = () => settingsStore.get();
  const patches: Record<string, unknown>[] = [];
  const clientBackend = serviceBackend(service);
  const backend: RpcBackend = {
    ...clientBackend,
    call: (name, input) => {
      if (name === 'setSettings') patches.push({ ...(input as Record<string, unknown>) });
      return clientBackend.call(name, input);
    },
  };
  const secret = options.secret ?? RPC_TEST_SECRET;
  const server = await startRpcServer({
    backend,
    secret,
    port: 0,
    ...(options.guessDelays ? { guessDelays: options.guessDelays } : {}),
    ...(options.allowAnyOrigin ? { allowAnyOrigin: true } : {}),
  });
  const post: RpcHost['post'] = (body, headers, method, agent) => postTo(server.port, body, headers, method, agent);
  return {
    server,
    engine,
    service,
    home,
    downloads,
    settings: () => settingsStore.get(),
    changeSettings: (patch) => void settingsStore.update(patch),
    patches,
    post,
    async call(method, params = [], headers) {
      const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [`token:${secret}`, ...params] }), headers);
      const parsed = JSON.parse(answer.body) as { result?: unknown; error?: { code: number; message: string } };
      return { ...answer, ...parsed };
    },
    async close() {
      await server.close();
      service.close();
      await engine.close();
      await removeDir(home);
    },
  };
}
