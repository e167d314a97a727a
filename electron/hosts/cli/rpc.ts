// `ferry rpc`: hands over to the aria2-compatible RPC host (electron/hosts/rpc/, loaded through
// `fronts`), which prints its
// endpoint and runs until a signal or aria2.shutdown closes it and exits. Loaded lazily.
import type { RpcCommand } from './args';
import type { OtherFronts } from './fronts';
import { EXIT_FAILED } from './outcome';

export async function rpc(command: RpcCommand, fronts: OtherFronts): Promise<number> {
  const runStandaloneRpc = await fronts.loadRpc();
  const { systemProxyFromEnvironment } = await import('../../engine/index');
  const systemProxy = systemProxyFromEnvironment(process.env, command.proxy);
  try {
    await runStandaloneRpc({
      dataDir: command.dataDir,
      ...(systemProxy ? { systemProxy } : {}),
      browserPairing: true,
      ...(command.port !== undefined ? { port: command.port } : {}),
      ...(command.secret !== undefined ? { secret: command.secret } : {}),
      ...(command.allowAnyOrigin ? { allowAnyOrigin: true } : {}),
    });
  } catch (error) {
    process.stderr.write(`ferry: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  return new Promise<number>(() => {});
}
