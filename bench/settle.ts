// Between measurements: write back dirty pages left by the previous run (a 1 GiB file sits in
// the page cache), so that no contender pays for the one before it.
import { spawnSync } from 'node:child_process';

export async function settle(): Promise<void> {
  spawnSync('sync', { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
}
