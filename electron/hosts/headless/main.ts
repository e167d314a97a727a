// `npm run headless [-- --port N] [--host ADDR] [--data-dir DIR]`: runs the headless host from
// a checkout (the script builds the renderer first). `ferry serve` is the installed equivalent.
import { systemProxyFromEnvironment } from '../../engine/index';
import { runHeadlessHost } from './headless-host';

function parseHeadlessArgs(argv: string[]): { port?: number; host?: string; dataDir?: string } | { error: string } {
  const options: { port?: number; host?: string; dataDir?: string } = {};
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

const parsed = parseHeadlessArgs(process.argv.slice(2));
if ('error' in parsed) {
  process.stderr.write(`ferry headless: ${parsed.error}\nusage: npm run headless -- [--port N] [--host ADDR] [--data-dir DIR]\n`);
  process.exit(2);
}
const systemProxy = systemProxyFromEnvironment(process.env);
runHeadlessHost({ ...parsed, rpc: true, browserPairing: true, ...(systemProxy ? { systemProxy } : {}) }).catch((error: unknown) => {
  process.stderr.write(`ferry headless: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
