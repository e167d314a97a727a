// `ferry serve`: hands over to the headless web host (electron/hosts/headless/, loaded through
// `fronts`), which prints
// its URL line, handles SIGINT/SIGTERM itself (closing the engine) and exits. Loaded lazily so
// get/put never pay for it. The host finds the built UI under the package root, from the
// sources and from the bundle alike, and builds it first (saying so) when it is missing.
import type { ServeCommand } from './args';
import type { OtherFronts, ServeOptions } from './fronts';
import { EXIT_FAILED } from './outcome';

export async function serve(command: ServeCommand, fronts: OtherFronts): Promise<number> {
  let runHeadlessHost: (options: ServeOptions) => Promise<unknown>;
  try {
    runHeadlessHost = await fronts.loadServe();
  } catch (error) {
    process.stderr.write(`ferry: serve is not available in this build: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  const { systemProxyFromEnvironment } = await import('../../engine/index');
  const systemProxy = systemProxyFromEnvironment(process.env, command.proxy);
  const options: ServeOptions = { dataDir: command.dataDir, rpc: true, browserPairing: true, ...(systemProxy ? { systemProxy } : {}) };
  if (command.port !== undefined) options.port = command.port;
  if (command.host !== undefined) options.host = command.host;
  if (command.newToken) options.newToken = true;
  options.launchedBy = 'ferry serve';
  try {
    await runHeadlessHost(options);
  } catch (error) {
    process.stderr.write(`ferry: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  // Runs until a signal: the host's own handler closes it and exits the process.
  return new Promise<number>(() => {});
}
