// Entry of the native-messaging host (bin/ferry-native-host.js runs it).
import { defaultDataDir } from '../kit/data-dir/data-dir';
import { runNativeHost } from './native-host';

await runNativeHost({ dataDir: defaultDataDir(), callerArgs: process.argv.slice(2), input: process.stdin, output: process.stdout });
