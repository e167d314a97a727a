// `ferry get` / `ferry put` while the desktop app, `ferry serve` or `ferry rpc` owns the data
// folder: connect to that Ferry over its owner-only local channel (a socket in the data folder,
// speaking the wire) and hand the transfers over there (hand-over.ts). The one way to join a
// running Ferry: uploads carry credentials, and a download's folder is the owner's to name, so
// neither goes over the aria2 RPC, whose secret browser extensions also hold.
import { connectLocalControl } from '../kit/local-control/client';
import type { GetCommand, PutCommand } from './args';
import { handOverAndFollow, type Output } from './hand-over';
import { EXIT_FAILED } from './outcome';

/** undefined: no Ferry listens on the data folder's local channel (the caller reports the lock). A listener that fails the handshake ends the command (exit 1). */
export async function joinOverLocalControl(command: GetCommand | PutCommand, putUrls: readonly string[], output: Output): Promise<number | undefined> {
  const client = await connectLocalControl(command.dataDir);
  if (!client) return undefined;
  if ('refused' in client) {
    // Whatever holds the channel is not to be trusted with this command.
    output.err.write(`ferry: ${client.message}\n`);
    return EXIT_FAILED;
  }
  return handOverAndFollow(client, command, putUrls, output);
}
