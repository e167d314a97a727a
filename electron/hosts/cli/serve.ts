// `ferry serve`: hands over to the headless web host (electron/hosts/headless/, owned by the
// hosts engineer). Loaded lazily so get/put never pay for it.
import type { ServeCommand } from './args';
import { EXIT_FAILED } from './outcome';

interface HeadlessModule {
  runHeadlessHost?: (options: { port?: number; host?: string; dataDir: string }) => Promise<unknown>;
}

export async function serve(command: ServeCommand): Promise<number> {
  let headless: HeadlessModule;
  try {
    headless = (await import(/* @vite-ignore */ HEADLESS_ENTRY)) as HeadlessModule;
  } catch {
    headless = {};
  }
  if (typeof headless.runHeadlessHost !== 'function') {
    process.stderr.write('ferry: serve is not available in this build (the headless host is missing)\n');
    return EXIT_FAILED;
  }
  const options: { port?: number; host?: string; dataDir: string } = { dataDir: command.dataDir };
  if (command.port !== undefined) options.port = command.port;
  if (command.host !== undefined) options.host = command.host;
  await headless.runHeadlessHost(options);
  // The host runs until it is told to stop (it handles its own signals); keep the process alive.
  return new Promise<number>(() => {});
}

const HEADLESS_ENTRY = '../headless/index';
