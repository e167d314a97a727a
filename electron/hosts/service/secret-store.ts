// Secret header values (API tokens) kept apart from settings and records. One small JSON file
// `<dir>/secrets.json`, mode 0600; in Electron each value is additionally encrypted with
// safeStorage (the OS keychain's key) through the `cipher` option. Headless hosts have no
// keychain, so there the file permissions are the protection, as for an SSH key.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UnknownSecretError, type SecretsProvider } from '../../engine/secrets';

export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

export interface SecretStore extends SecretsProvider {
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<void>;
  has(ref: string): boolean;
}

type SecretFile = Record<string, { enc: 'plain' | 'cipher'; data: string }>;

export function createFileSecretStore(options: { dir: string; cipher?: SecretCipher }): SecretStore {
  const file = path.join(options.dir, 'secrets.json');
  let entries: SecretFile = load();

  function load(): SecretFile {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as SecretFile) : {};
    } catch {
      return {};
    }
  }

  function save(): void {
    mkdirSync(options.dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(entries), { mode: 0o600 });
    chmodSync(temp, 0o600); // mode is ignored when the temp file already existed
    renameSync(temp, file);
  }

  return {
    has: (ref) => Object.prototype.hasOwnProperty.call(entries, ref),
    async set(ref, value) {
      entries = {
        ...entries,
        [ref]: options.cipher
          ? { enc: 'cipher', data: options.cipher.encrypt(value).toString('base64') }
          : { enc: 'plain', data: value },
      };
      save();
    },
    async delete(ref) {
      if (!Object.prototype.hasOwnProperty.call(entries, ref)) return;
      const { [ref]: _gone, ...rest } = entries;
      entries = rest;
      save();
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
