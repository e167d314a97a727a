import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../test-support/files';
import { until } from '../../../../test-support/wait';
import { keepAdHocSecrets } from './ad-hoc-secret-keeper';
import { adHocSecretRef } from './ad-hoc-uploads';
import { createFileSecretStore } from './secret-store';

/** The engine as the keeper sees it: which references listed transfers name, and 'removed'. */
class ListedRefs extends EventEmitter {
  named = new Set<string>();
  secretRefsInUse() {
    return new Set(this.named);
  }
}

it('drops the ad-hoc secrets no listed transfer names; keeps named ones, other secrets, and any while a call holds it', async () => {
  const dir = await makeTempDir('ferry-ad-hoc-secrets-');
  try {
    const store = createFileSecretStore({ dir });
    const named = adHocSecretRef('Authorization', 'Bearer still-listed');
    const orphan = adHocSecretRef('Authorization', 'Bearer removed-long-ago');
    const destination = 'destination.abc.header-0'; // a destination's own: not ours to sweep
    await store.set(named, 'Bearer still-listed');
    await store.set(orphan, 'Bearer removed-long-ago');
    await store.set(destination, 'kept');
    const engine = new ListedRefs();
    engine.named.add(named);
    const keeper = keepAdHocSecrets(store, engine as never);

    expect(await keeper.sweep()).toBe(1); // at start: the orphan of an earlier run
    expect(store.refs().sort()).toEqual([named, destination].sort());

    // An addUploadsTo call stores its value before its upload is listed: no sweep meanwhile.
    const release = keeper.hold();
    const fresh = adHocSecretRef('X-Token', 'on-its-way');
    await keeper.set(fresh, 'on-its-way');
    engine.named.clear(); // ... and the last upload naming `named` is removed
    engine.emit('removed', 'some-id');
    expect(await keeper.sweep()).toBe(0);
    expect(store.has(fresh)).toBe(true);
    engine.named.add(fresh); // the upload is in the engine now
    release(); // the deferred sweep runs
    await until(async () => !store.has(named));
    expect(store.refs().sort()).toEqual([fresh, destination].sort());
    expect(createFileSecretStore({ dir }).refs().sort()).toEqual([fresh, destination].sort()); // on disk too

    // A call refused after storing its value: nothing names it, and it goes when the call ends.
    const releaseRefused = keeper.hold();
    const refused = adHocSecretRef('X-Token', 'refused-upload');
    await keeper.set(refused, 'refused-upload');
    releaseRefused();
    await until(async () => !store.has(refused));
    expect(store.has(fresh)).toBe(true);
    keeper.dispose();
  } finally {
    await removeDir(dir);
  }
});
