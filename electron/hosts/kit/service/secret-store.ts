// Secret header values (API tokens) kept apart from settings and records. One small JSON file
// `<dir>/secrets.json`, mode 0600; in Electron each value is additionally encrypted with
// safeStorage (the OS keychain's key) through the `cipher` option. Headless hosts have no
// keychain, so there the file permissions are the protection, as for an SSH key; `encrypted`
// says which, so the hosts can tell the user (never silently).
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UnknownSecretError, type SecretsProvider } from '../../../engine/index';
import { setAside, setAsideNotice } from './set-aside';

export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
  /**
   * Whether the key is the OS's own secret (keychain, DPAPI, libsecret/kwallet). Linux's
   * `basic_text` backend encrypts with a key built into Chromium: that is no protection.
   * Default true.
   */
  protectedByOs?: boolean;
}

export interface SecretStore extends SecretsProvider {
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<void>;
  has(ref: string): boolean;
  /** The references stored. */
  refs(): string[];
  /** How many secrets are stored. */
  size(): number;
  /** True when values are encrypted with a key the OS keeps; false: file permissions only. */
  readonly encrypted: boolean;
  /** What went wrong reading the file at start (unreadable, set aside): for the hosts' notices. */
  readonly problems: readonly string[];
}

type SecretEntry = { enc: 'plain' | 'cipher'; data: string };
type SecretFile = Record<string, SecretEntry>;

function isEntry(value: unknown): value is SecretEntry {
  if (!value || typeof value !== 'object') return false;
  const { enc, data } = value as Record<string, unknown>;
  return (enc === 'plain' || enc === 'cipher') && typeof data === 'string';
}

export function createFileSecretStore(options: { dir: string; cipher?: SecretCipher }): SecretStore {
  const file = path.join(options.dir, 'secrets.json');
  const problems: string[] = [];
  /** Set when an unreadable file could not be moved aside: saving would destroy it. */
  let refuseToSave: string | undefined;
  let entries: SecretFile = load();

  function load(): SecretFile {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      refuseToSave = `${file} cannot be read (${(error as Error).message})`;
      problems.push(`Stored secrets cannot be read: ${(error as Error).message}. Ferry will not overwrite ${file}.`);
      return {};
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      const aside = setAside(file, 'move');
      if (!aside) refuseToSave = `${file} is unreadable and could not be set aside`;
      problems.push(setAsideNotice(file, aside, 'is not valid JSON', 'no stored secrets: type the secret headers of your destinations again'));
      return {};
    }
    const good: SecretFile = {};
    let bad = 0;
    for (const [ref, entry] of Object.entries(parsed)) {
      if (isEntry(entry)) good[ref] = entry;
      else bad++;
    }
    if (bad > 0) {
      const aside = setAside(file, 'copy');
      if (!aside) refuseToSave = `${file} holds unreadable entries that could not be copied aside`;
      problems.push(setAsideNotice(file, aside, `has ${bad} unreadable ${bad === 1 ? 'entry' : 'entries'}`, 'the readable ones'));
    }
    return good;
  }

  function save(next: SecretFile): void {
    if (refuseToSave) throw new Error(`Secrets are not saved: ${refuseToSave}. Move it away and restart Ferry.`);
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(next), { mode: 0o600 });
    chmodSync(temp, 0o600); // mode is ignored when the temp file already existed
    renameSync(temp, file);
    entries = next;
  }

  return {
    encrypted: options.cipher !== undefined && options.cipher.protectedByOs !== false,
    problems,
    has: (ref) => Object.prototype.hasOwnProperty.call(entries, ref),
    refs: () => Object.keys(entries),
    size: () => Object.keys(entries).length,
    async set(ref, value) {
      save({
        ...entries,
        [ref]: options.cipher
          ? { enc: 'cipher', data: options.cipher.encrypt(value).toString('base64') }
          : { enc: 'plain', data: value },
      });
    },
    async delete(ref) {
      if (!Object.prototype.hasOwnProperty.call(entries, ref)) return;
      const { [ref]: _gone, ...rest } = entries;
      save(rest);
    },
    async resolve(ref) {
      const entry = Object.prototype.hasOwnProperty.call(entries, ref) ? entries[ref] : undefined;
      if (!entry) throw new UnknownSecretError(ref);
      if (entry.enc === 'plain') return entry.data;
      if (!options.cipher) throw new Error(`Secret "${ref}" is encrypted and this host has no key to decrypt it`);
      return options.cipher.decrypt(Buffer.from(entry.data, 'base64'));
    },
  };
}
