// The `ferry` command's entry (bin/ferry.js runs it; scripts/build-cli.mjs bundles from here).
// Like electron/main.ts for the desktop app, it is where fronts meet: the CLI (electron/hosts/cli/)
// gets the headless host and the standalone RPC as lazy loaders, so no front imports another.
import { runCli } from './hosts/cli/main';

runCli({
  loadServe: async () => (await import('./hosts/headless/headless-host')).runHeadlessHost,
  loadRpc: async () => (await import('./hosts/rpc/standalone')).runStandaloneRpc,
});
