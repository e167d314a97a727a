// Puts an earlier, unfinished transfer back to work, whatever state the last run left it in.
import type { TransferView } from '../../../shared/transfer';
import type { TransferEngine } from '../../engine/index';

export async function continueTransfer(engine: TransferEngine, view: TransferView): Promise<TransferView> {
  if (view.state === 'paused') await engine.resume(view.id);
  else if (view.state === 'failed' || view.state === 'canceled') await engine.retry(view.id);
  // queued and active ones are already (re)started by the engine.
  return engine.get(view.id) ?? view;
}
