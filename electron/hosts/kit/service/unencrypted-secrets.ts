// Secrets kept without OS encryption (the headless host has no keychain; Electron without a
// keyring, or with Linux's `basic_text` backend whose key is built into Chromium) are allowed,
// but never silently: the user is told once per run, in the UI and the log, as soon as such a
// secret exists (at start, or when the first one is saved).
import type { Notice } from '../../../../shared/contract';
import type { DestinationsStore } from './destinations-store';
import type { SecretStore } from './secret-store';

export function unencryptedSecretsNotice(why: string): Notice {
  return {
    level: 'warn',
    message:
      `Secret header values are stored without encryption (${why}). ` +
      'Only the file permissions of secrets.json (readable by your user account alone) protect them: ' +
      'anyone who can read your files or their backups can read these secrets.',
  };
}

/**
 * Calls `say` with the notice once, the first time `check()` finds an unencrypted secret stored.
 * `check` runs at start; `watchDestinations` runs it after every destination save.
 */
export function unencryptedSecretsWarning(secrets: Pick<SecretStore, 'encrypted' | 'size'>, why: string, say: (notice: Notice) => void) {
  let said = false;
  const check = (): void => {
    if (said || secrets.encrypted || secrets.size() === 0) return;
    said = true;
    say(unencryptedSecretsNotice(why));
  };
  return {
    check,
    /** The same store, checking after each create and update (where secrets get stored). */
    watchDestinations(store: DestinationsStore): DestinationsStore {
      return {
        ...store,
        list: () => store.list(),
        getStored: (id) => store.getStored(id),
        delete: (id) => store.delete(id),
        async create(input) {
          const created = await store.create(input);
          check();
          return created;
        },
        async update(id, input) {
          const updated = await store.update(id, input);
          check();
          return updated;
        },
      };
    },
  };
}
