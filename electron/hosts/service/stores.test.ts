// Settings, destinations and secrets on real files in a temp folder, through conf.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SECRET_MASK, type DestinationInput } from '../../../shared/settings';
import { openConfBacking } from './backing-store';
import { createDestinationsStore, DestinationError } from './destinations-store';
import { createFileSecretStore } from './secret-store';
import { createSettingsStore } from './settings-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-stores-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('settings store', () => {
  it('starts with the defaults and the given download folder, and persists updates', () => {
    const store = createSettingsStore(openConfBacking(dir, 'settings'), '/home/me/Downloads');
    expect(store.get()).toEqual({ ...DEFAULT_SETTINGS, downloadDirectory: '/home/me/Downloads' });
    store.update({ maxActive: 5, closeToTray: false });
    const reopened = createSettingsStore(openConfBacking(dir, 'settings'), '/elsewhere');
    expect(reopened.get()).toMatchObject({ maxActive: 5, closeToTray: false, downloadDirectory: '/home/me/Downloads' });
  });

  it('refuses an invalid update and keeps the stored settings', () => {
    const store = createSettingsStore(openConfBacking(dir, 'settings'), '/d');
    expect(() => store.update({ maxActive: 0 })).toThrow(/maxActive/);
    expect(store.get().maxActive).toBe(DEFAULT_SETTINGS.maxActive);
  });

  it('survives a hand-edited file: bad values fall back to defaults, good ones stay', () => {
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ maxActive: 'many', maxPerHost: 4, bogus: true }));
    const store = createSettingsStore(openConfBacking(dir, 'settings'), '/d');
    expect(store.get()).toMatchObject({ maxActive: DEFAULT_SETTINGS.maxActive, maxPerHost: 4 });
    expect(store.get()).not.toHaveProperty('bogus');
  });
});

describe('destinations store with secrets', () => {
  const input: DestinationInput = {
    name: 'Share',
    url: 'http://127.0.0.1:9/{filename}',
    method: 'PUT',
    protocol: 'raw',
    headers: [
      { name: 'Authorization', value: 'Bearer s3cret', secret: true },
      { name: 'X-Plain', value: 'visible', secret: false },
    ],
    fieldName: 'file',
    fields: {},
  };

  function open() {
    const secrets = createFileSecretStore({ dir });
    return { secrets, store: createDestinationsStore(openConfBacking(dir, 'destinations'), secrets) };
  }

  it('masks secrets for UIs, keeps only a reference on disk, and resolves the value for the engine', async () => {
    const { store, secrets } = open();
    const created = await store.create(input);
    expect(created.headers).toEqual([
      { name: 'Authorization', value: SECRET_MASK, secret: true },
      { name: 'X-Plain', value: 'visible', secret: false },
    ]);
    expect(readFileSync(path.join(dir, 'destinations.json'), 'utf8')).not.toContain('s3cret');
    const stored = store.getStored(created.id)!;
    const ref = stored.headers[0]!.value;
    expect(ref).toMatch(/^secret:/);
    expect(await secrets.resolve(ref.slice('secret:'.length))).toBe('Bearer s3cret');
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('keeps the stored secret when an edit sends the mask back, replaces it when a new value comes', async () => {
    const { store, secrets } = open();
    const created = await store.create(input);
    const ref = store.getStored(created.id)!.headers[0]!.value.slice('secret:'.length);
    await store.update(created.id, { ...input, name: 'Renamed', headers: [{ name: 'Authorization', value: SECRET_MASK, secret: true }] });
    expect(await secrets.resolve(ref)).toBe('Bearer s3cret');
    expect(store.list()[0]).toMatchObject({ name: 'Renamed' });
    await store.update(created.id, { ...input, headers: [{ name: 'Authorization', value: 'Bearer new', secret: true }] });
    expect(await secrets.resolve(ref)).toBe('Bearer new');
  });

  it('refuses the mask for a secret it never had, and plain values posing as references', async () => {
    const { store } = open();
    await expect(store.create({ ...input, headers: [{ name: 'Authorization', value: SECRET_MASK, secret: true }] })).rejects.toThrow(
      /Type the value/,
    );
    await expect(
      store.create({ ...input, headers: [{ name: 'X-Steal', value: 'secret:destination.x.authorization', secret: false }] }),
    ).rejects.toBeInstanceOf(DestinationError);
  });

  it('deletes the secrets of a deleted destination and reports unknown ids', async () => {
    const { store, secrets } = open();
    const created = await store.create(input);
    const ref = store.getStored(created.id)!.headers[0]!.value.slice('secret:'.length);
    await store.delete(created.id);
    expect(store.list()).toEqual([]);
    await expect(secrets.resolve(ref)).rejects.toThrow(/No stored secret/);
    await expect(store.delete(created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('encrypts with a cipher when one is given (Electron safeStorage) and cannot read it back without', async () => {
    const cipher = {
      encrypt: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
      decrypt: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
    };
    const encrypted = createFileSecretStore({ dir, cipher });
    await encrypted.set('k', 'token-123');
    expect(readFileSync(path.join(dir, 'secrets.json'), 'utf8')).not.toContain('token-123');
    expect(await createFileSecretStore({ dir, cipher }).resolve('k')).toBe('token-123');
    await expect(createFileSecretStore({ dir }).resolve('k')).rejects.toThrow(/no key/);
  });
});
