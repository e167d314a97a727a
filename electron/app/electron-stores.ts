// Electron's backings for the host stores: electron-store files in Ferry's data folder (the same
// files the headless host reads through conf), secrets encrypted with safeStorage where the OS
// offers a key.
import { safeStorage } from 'electron';
import ElectronStore from 'electron-store';
import path from 'node:path';
import { openCheckedBacking, type JsonBacking } from '../hosts/kit/service/backing-store';
import type { SecretCipher } from '../hosts/kit/service/secret-store';

export function openElectronBacking(dir: string, name: string): JsonBacking {
  return openCheckedBacking(
    path.join(dir, `${name}.json`),
    () =>
      new ElectronStore<Record<string, unknown>>({
        cwd: dir,
        name,
        accessPropertiesByDotNotation: false,
        configFileMode: 0o600,
      }),
  );
}

export function safeStorageCipher(): SecretCipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (encrypted) => safeStorage.decryptString(encrypted),
    // basic_text "encrypts" with a key built into Chromium: no protection, so say so.
    protectedByOs: !usesBasicText(),
  };
}

function usesBasicText(): boolean {
  return process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
}

/** Why secrets are not OS-encrypted here (used only when they are not). */
export function secretsUnprotectedReason(): string {
  if (usesBasicText()) return "no keyring was found, so Electron's basic_text backend is in use";
  return 'no OS keyring is available to Ferry';
}
