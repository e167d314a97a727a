// Between measurements: write back dirty pages left by the previous run (a 1 GiB file sits in
// the page cache), so that no contender pays for the one before it; and let ferry refresh its
// cached bundle if sources changed, so no ferry run pays for a rebuild.
import { spawnSync } from 'node:child_process';
import { ferryWarmUp } from './contenders';

export async function settle(): Promise<void> {
  const warm = ferryWarmUp();
  spawnSync(warm.command, warm.args, { stdio: 'ignore' });
  spawnSync('sync', { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
}
