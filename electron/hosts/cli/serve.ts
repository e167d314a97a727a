// `ferry serve`: hands over to the headless web host (electron/hosts/headless/), which prints
// its URL line, handles SIGINT/SIGTERM itself (closing the engine) and exits. Loaded lazily so
// get/put never pay for it. The host finds the built UI under the package root, from the
// sources and from the bundle alike, and builds it first (saying so) when it is missing.
import type { ServeCommand } from './args';
import { EXIT_FAILED } from './outcome';

export async function serve(command: ServeCommand): Promise<number> {
  let runHeadlessHost: typeof import('../headless/index').runHeadlessHost;
  try {
    ({ runHeadlessHost } = await import('../headless/index'));
  } catch (error) {
    process.stderr.write(`ferry: serve is not available in this build: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  const options: { port?: number; host?: string; dataDir: string; rpc: boolean; browserPairing: boolean } = { dataDir: command.dataDir, rpc: true, browserPairing: true };
  if (command.port !== undefined) options.port = command.port;
  if (command.host !== undefined) options.host = command.host;
  try {
    await runHeadlessHost(options);
  } catch (error) {
    process.stderr.write(`ferry: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  // Runs until a signal: the host's own handler closes it and exits the process.
  return new Promise<number>(() => {});
}
