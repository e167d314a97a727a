// `npm run headless [-- --port N] [--host ADDR] [--data-dir DIR] [--new-token]`: runs the headless
// host from a checkout (the script builds the renderer first); `npm start` runs it too where Electron
// cannot. `ferry serve` is the installed equivalent.
import { systemProxyFromEnvironment } from '../../engine/index';
import { runHeadlessHost } from './headless-host';

type HeadlessArgs = { port?: number; host?: string; dataDir?: string; newToken?: boolean };

function parseHeadlessArgs(argv: string[]): HeadlessArgs | { error: string } {
  const options: HeadlessArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) return { error: '--port needs a number from 0 to 65535' };
      options.port = port;
    } else if (flag === '--host') {
      const host = value();
      if (!host) return { error: '--host needs an address' };
      options.host = host;
    } else if (flag === '--new-token' && inline === undefined) {
      options.newToken = true;
    } else if (flag === '--data-dir') {
      const dir = value();
      if (!dir) return { error: '--data-dir needs a folder' };
      options.dataDir = dir;
    } else {
      return { error: `unknown option ${arg}` };
    }
  }
  return options;
}

// The page opened without a token names the command the user ran (npm tells which script it runs).
const launchedBy = process.env.npm_lifecycle_event === 'start' ? 'npm start' : 'npm run headless';
const parsed = parseHeadlessArgs(process.argv.slice(2));
if ('error' in parsed) {
  process.stderr.write(`ferry headless: ${parsed.error}\nusage: ${launchedBy} -- [--port N] [--host ADDR] [--data-dir DIR] [--new-token]\n`);
  process.exit(2);
}
const systemProxy = systemProxyFromEnvironment(process.env);
runHeadlessHost({ ...parsed, launchedBy, rpc: true, browserPairing: true, ...(systemProxy ? { systemProxy } : {}) }).catch((error: unknown) => {
  process.stderr.write(`ferry headless: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
