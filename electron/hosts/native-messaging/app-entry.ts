// The desktop app as its own native-messaging host: browsers start `Ferry --ferry-native-host
// chrome-extension://…/`; it answers on stdio like bin/ferry-native-host.js and exits.
import { defaultDataDir } from '../kit/data-dir/data-dir';
import { runNativeHost } from './native-host';

export const NATIVE_HOST_FLAG = '--ferry-native-host';

export async function runNativeHostFromApp(dataDir: string | undefined): Promise<void> {
  const args = process.argv.slice(process.argv.indexOf(NATIVE_HOST_FLAG) + 1);
  await runNativeHost({ dataDir: dataDir ?? defaultDataDir(), callerArgs: args, input: process.stdin, output: process.stdout });
}
