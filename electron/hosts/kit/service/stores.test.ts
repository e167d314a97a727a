// Settings, destinations and secrets on real files in a temp folder, through conf.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SECRET_MASK, type DestinationInput } from '../../../../shared/settings';
import { openConfBacking } from './conf-backing';
import { createDestinationsStore, DestinationError } from './destinations-store';
import { createFileSecretStore } from './secret-store';
import { createSettingsStore } from './settings-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-stores-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The one `<name>.corrupt-<ms>` file beside `name`. */
function asideOf(name: string): string {
  const found = readdirSync(dir).filter((f) => f.startsWith(`${name}.corrupt-`));
  expect(found).toHaveLength(1);
  return found[0]!;
}

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

  it('survives a hand-edited file: bad values fall back to defaults, good ones stay, the original is copied aside', () => {
    const original = JSON.stringify({ maxActive: 'many', maxPerHost: 4, bogus: true });
    writeFileSync(path.join(dir, 'settings.json'), original);
    const store = createSettingsStore(openConfBacking(dir, 'settings'), '/d');
    expect(store.get()).toMatchObject({ maxActive: DEFAULT_SETTINGS.maxActive, maxPerHost: 4 });
    expect(store.get()).not.toHaveProperty('bogus');
    expect(store.problems).toEqual([expect.stringMatching(/settings\.json has invalid or unknown settings \(maxActive, bogus\).*settings\.json\.corrupt-\d+/)]);
    store.update({ maxActive: 4 });
    expect(readFileSync(path.join(dir, asideOf('settings.json')), 'utf8')).toBe(original);
    // Once set aside, the next start is quiet.
    expect(createSettingsStore(openConfBacking(dir, 'settings'), '/d').problems).toEqual([]);
  });

  it('sets an unparsable settings file aside and starts with the defaults instead of failing', () => {
    writeFileSync(path.join(dir, 'settings.json'), '{"maxActive": 5,');
    const store = createSettingsStore(openConfBacking(dir, 'settings'), '/d');
    expect(store.get().maxActive).toBe(DEFAULT_SETTINGS.maxActive);
    expect(store.problems).toEqual([expect.stringMatching(/settings\.json is not valid JSON; a copy was kept as settings\.json\.corrupt-\d+/)]);
    expect(readFileSync(path.join(dir, asideOf('settings.json')), 'utf8')).toBe('{"maxActive": 5,');
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

  it('sends a kept secret only to the origin it was saved for: a new host or http needs it typed again', async () => {
    const { store, secrets } = open();
    const saved = await store.create({ ...input, url: 'https://files.example.com/in/{filename}' });
    const ref = store.getStored(saved.id)!.headers[0]!.value.slice('secret:'.length);
    const keep = [{ name: 'Authorization', value: SECRET_MASK, secret: true }];
    for (const url of ['https://evil.example.net/{filename}', 'http://files.example.com/in/{filename}', 'https://files.example.com:8443/in/{filename}']) {
      await expect(store.update(saved.id, { ...input, url, headers: keep })).rejects.toThrow(/type the value of the secret header Authorization again/);
      expect(store.getStored(saved.id)!.url).toBe('https://files.example.com/in/{filename}');
    }
    expect(await secrets.resolve(ref)).toBe('Bearer s3cret');
    // Same scheme and origin, another path: the secret is kept.
    await store.update(saved.id, { ...input, url: 'https://FILES.example.com:443/other/{filename}', headers: keep });
    expect(await secrets.resolve(ref)).toBe('Bearer s3cret');
    // A typed value may go anywhere.
    await store.update(saved.id, { ...input, url: 'http://other.example.org/{filename}', headers: [{ name: 'Authorization', value: 'Bearer typed', secret: true }] });
    expect(await secrets.resolve(ref)).toBe('Bearer typed');
  });

  it('sets an unparsable secrets.json aside instead of overwriting it on the next save', async () => {
    writeFileSync(path.join(dir, 'secrets.json'), '{"destination.a.authorization": {"enc": "plain", "data": "tok');
    const secrets = createFileSecretStore({ dir });
    expect(secrets.problems).toEqual([expect.stringMatching(/secrets\.json is not valid JSON; a copy was kept as secrets\.json\.corrupt-\d+/)]);
    await secrets.set('k', 'v');
    expect(readFileSync(path.join(dir, asideOf('secrets.json')), 'utf8')).toContain('"data": "tok');
    expect(await createFileSecretStore({ dir }).resolve('k')).toBe('v');
  });

  it('keeps readable secrets and a copy of the file when some entries are unreadable', async () => {
    writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ good: { enc: 'plain', data: 'g' }, bad: 42 }));
    const secrets = createFileSecretStore({ dir });
    expect(await secrets.resolve('good')).toBe('g');
    expect(secrets.problems).toEqual([expect.stringMatching(/1 unreadable entry/)]);
    await secrets.set('k', 'v');
    expect(JSON.parse(readFileSync(path.join(dir, asideOf('secrets.json')), 'utf8'))).toHaveProperty('bad', 42);
  });

  it('copies destinations.json aside before invalid destinations could vanish with the next write', async () => {
    const broken = { id: 'x', name: '', url: 'ftp://nope', method: 'GET', protocol: 'raw', headers: [] };
    const good = { id: 'g', name: 'Good', url: 'http://127.0.0.1:9/{filename}', method: 'PUT', protocol: 'raw', headers: [], fieldName: 'file', fields: {} };
    writeFileSync(path.join(dir, 'destinations.json'), JSON.stringify({ destinations: [good, broken] }));
    const { store } = open();
    expect(store.list().map((d) => d.id)).toEqual(['g']);
    expect(store.problems).toEqual([expect.stringMatching(/destinations\.json has 1 invalid destination; a copy was kept as destinations\.json\.corrupt-\d+\. Ferry continues with the 1 valid ones/)]);
    await store.create(input);
    expect(JSON.parse(readFileSync(path.join(dir, asideOf('destinations.json')), 'utf8')).destinations).toEqual([good, broken]);
  });

  it('masks a password in the URL for UIs and keeps it on an edit that sends the mask back, for the same origin only', async () => {
    const { store } = open();
    const saved = await store.create({ ...input, url: 'https://me:p%40ss@dav.example.com/in/{filename}' });
    expect(saved.url).toBe(`https://me:${SECRET_MASK}@dav.example.com/in/{filename}`);
    expect(JSON.stringify(store.list())).not.toContain('p%40ss');
    const keep = [{ name: 'Authorization', value: SECRET_MASK, secret: true }];
    await store.update(saved.id, { ...input, name: 'Renamed', url: saved.url.replace('/in/', '/other/'), headers: keep });
    expect(store.getStored(saved.id)!.url).toBe('https://me:p%40ss@dav.example.com/other/{filename}');
    // What a browser's URL parser makes of the mask (percent-encoded) counts as the mask too.
    const encoded = `https://me:${encodeURIComponent(SECRET_MASK)}@dav.example.com/x/{filename}`;
    await store.update(saved.id, { ...input, url: encoded, headers: keep });
    expect(store.getStored(saved.id)!.url).toBe('https://me:p%40ss@dav.example.com/x/{filename}');
    await expect(store.update(saved.id, { ...input, url: `https://me:${SECRET_MASK}@evil.example.net/{filename}`, headers: keep })).rejects.toThrow(
      /type the password in the URL again/,
    );
    await expect(store.create({ ...input, url: `https://me:${SECRET_MASK}@dav.example.com/{filename}` })).rejects.toThrow(/Type the password/);
  });
});
