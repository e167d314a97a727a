// Ferry's native-messaging host as browsers run it: a real process speaking framed JSON on stdio,
// the manifests it installs in a fresh HOME, and the extension identity they allow.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeTempDir, removeDir } from '../../../test-support/files';
import { CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../kit/browser-pairing/extension-ids';
import { decodeMessages, encodeMessage } from './framing';
import { browserTargets, installNativeHost } from '../kit/browser-pairing/manifests';
import { readEndpointFile, removeEndpointFile, writeEndpointFile } from '../kit/data-dir/endpoint-file';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const HOST_SCRIPT = path.join(ROOT, 'bin', 'ferry-native-host.js');
const ORIGIN = `chrome-extension://${CHROMIUM_EXTENSION_ID}/`;

let home: string;
let dataDir: string;
beforeEach(async () => {
  home = await makeTempDir('ferry-nm-home-');
  dataDir = path.join(home, '.local', 'share', 'ferry');
  await mkdir(dataDir, { recursive: true });
});
afterEach(async () => {
  await removeDir(home);
});

/** Runs the installed host the way a browser does: the script Ferry wrote, the origin as argument, one framed message. */
async function askHost(executable: string, message: unknown, args = [ORIGIN]): Promise<unknown[]> {
  const child = spawn(executable, args, { env: { PATH: '/usr/bin:/bin' }, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  child.stdin.end(encodeMessage(message));
  const code = await new Promise<number | null>((ok) => child.once('exit', ok));
  const decoded = decodeMessages(Buffer.concat(out));
  expect(decoded.rest.length, `stdout must hold only framed messages; stderr: ${err}`).toBe(0);
  expect(code, err).toBe(0);
  return decoded.messages;
}

describe('framing', () => {
  test('round trip, partial frames kept for later, oversized and non-JSON frames refused', () => {
    const two = Buffer.concat([encodeMessage({ a: 1 }), encodeMessage('é')]);
    expect(decodeMessages(two)).toEqual({ messages: [{ a: 1 }, 'é'], rest: Buffer.alloc(0) });
    const partial = decodeMessages(two.subarray(0, two.length - 1));
    expect(partial.messages).toEqual([{ a: 1 }]);
    expect(partial.rest.length).toBe(encodeMessage('é').length - 1);
    const huge = Buffer.alloc(4);
    huge.writeUInt32LE(2 * 1024 * 1024);
    expect(decodeMessages(huge).error).toMatch(/too large/);
    const junk = Buffer.concat([Buffer.from([3, 0, 0, 0]), Buffer.from('{{{')]);
    expect(decodeMessages(junk).error).toBe('message is not JSON');
  });
});

describe('the extension identity', () => {
  test('the Chromium ID allowed by the manifests is the one the extension\'s key gives', async () => {
    const manifest = JSON.parse(await readFile(path.join(ROOT, 'extension', 'manifest.json'), 'utf8')) as { key: string; browser_specific_settings: { gecko: { id: string } } };
    const digest = createHash('sha256').update(Buffer.from(manifest.key, 'base64')).digest('hex').slice(0, 32);
    const id = [...digest].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
    expect(id).toBe(CHROMIUM_EXTENSION_ID);
    expect(manifest.browser_specific_settings.gecko.id).toBe(FIREFOX_EXTENSION_ID);
  });
});

describe('install', () => {
  test('writes manifests for every supported browser in a HOME where none has run yet, allowing only Ferry\'s extension', async () => {
    // Issue 18: a browser whose profile folder appears after Ferry started must find the host without a restart of Ferry.
    const written = await installNativeHost({ home, platform: 'linux', dataDir, host: { command: process.execPath, args: [HOST_SCRIPT] } }, {});
    const inConfig = (...parts: string[]) => path.join(home, '.config', ...parts, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`);
    expect(written.sort()).toEqual(
      [
        inConfig('chromium'),
        inConfig('google-chrome'),
        inConfig('microsoft-edge'),
        inConfig('BraveSoftware', 'Brave-Browser'),
        inConfig('vivaldi'),
        path.join(home, '.mozilla', 'native-messaging-hosts', `${NATIVE_HOST_NAME}.json`),
      ].sort(),
    );
    for (const file of written.filter((f) => !f.includes('mozilla'))) {
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ name: NATIVE_HOST_NAME, type: 'stdio', allowed_origins: [ORIGIN] });
    }
    const chromium = JSON.parse(await readFile(inConfig('chromium'), 'utf8'));
    const firefox = JSON.parse(await readFile(written.find((f) => f.includes('mozilla'))!, 'utf8'));
    expect(firefox).toMatchObject({ allowed_extensions: [FIREFOX_EXTENSION_ID] });
    expect(firefox).not.toHaveProperty('allowed_origins');
    expect(path.isAbsolute(chromium.path)).toBe(true);
    expect((await stat(chromium.path)).mode & 0o777).toBe(0o700);
  });

  test('targets per platform', () => {
    expect(browserTargets('/Users/u', 'darwin').map((t) => t.manifestDir)).toContain('/Users/u/Library/Application Support/Mozilla/NativeMessagingHosts');
    expect(browserTargets('/h', 'linux', { XDG_CONFIG_HOME: '/cfg' })[0]!.manifestDir).toBe('/cfg/chromium/NativeMessagingHosts');
    expect(browserTargets('/Users/u', 'darwin').map((t) => t.manifestDir)).toContain('/Users/u/Library/Application Support/Vivaldi/NativeMessagingHosts');
    const windows = browserTargets('C:\\Users\\u', 'win32', {});
    expect(windows.map((t) => t.registryKey)).toEqual(
      ['Google\\Chrome', 'Chromium', 'Microsoft\\Edge', 'BraveSoftware\\Brave-Browser', 'Vivaldi', 'Mozilla'].map((vendor) => `HKCU\\Software\\${vendor}\\NativeMessagingHosts\\${NATIVE_HOST_NAME}`),
    );
  });
});

describe('the host process', () => {
  async function installed(): Promise<string> {
    const [file] = await installNativeHost({ home, platform: 'linux', dataDir, host: { command: process.execPath, args: [HOST_SCRIPT] } }, {});
    return JSON.parse(await readFile(file!, 'utf8')).path as string;
  }

  test('tells Ferry\'s extension the endpoint and secret of the running Ferry (found through the data folder the script pins)', async () => {
    const executable = await installed();
    await writeEndpointFile(dataDir, 'http://127.0.0.1:6800/jsonrpc', 's3cret');
    expect((await stat(path.join(dataDir, 'rpc-endpoint.json'))).mode & 0o777).toBe(0o600);
    expect(await askHost(executable, { type: 'pair', launch: false })).toEqual([{ ok: true, endpoint: 'http://127.0.0.1:6800/jsonrpc', secret: 's3cret' }]);
  }, 30_000);

  test('Ferry not running (no file, or a stale one from a killed Ferry): says so; another caller gets nothing', async () => {
    const executable = await installed();
    expect(await askHost(executable, { type: 'pair', launch: true })).toEqual([{ ok: false, reason: expect.stringMatching(/not running/) }]);
    await writeFile(path.join(dataDir, 'rpc-endpoint.json'), JSON.stringify({ endpoint: 'http://127.0.0.1:1/jsonrpc', secret: 'old', pid: 2 ** 22 + 12345 }));
    expect(await askHost(executable, { type: 'pair', launch: false })).toEqual([{ ok: false, reason: 'Ferry is not running' }]);
    await writeEndpointFile(dataDir, 'http://127.0.0.1:6800/jsonrpc', 's3cret');
    expect(await askHost(executable, { type: 'pair' }, ['chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/'])).toEqual([{ ok: false, reason: expect.stringMatching(/Ferry's own extension only/) }]);
  }, 30_000);

  test('asked to launch, it starts Ferry (the command Ferry recorded) and answers once Ferry listens', async () => {
    await mkdir(path.join(home, '.config', 'chromium'), { recursive: true });
    // A stand-in for the desktop app: announces its RPC like Ferry does, then lingers briefly.
    const fakeFerry = `const fs=require('fs');setTimeout(()=>{fs.writeFileSync(${JSON.stringify(path.join(dataDir, 'rpc-endpoint.json'))},JSON.stringify({endpoint:'http://127.0.0.1:6899/jsonrpc',secret:'launched',pid:process.pid}));setTimeout(()=>{},3000)},300)`;
    const [file] = await installNativeHost({ home, platform: 'linux', dataDir, host: { command: process.execPath, args: [HOST_SCRIPT] }, launch: { command: process.execPath, args: ['-e', fakeFerry] } }, {});
    const executable = JSON.parse(await readFile(file!, 'utf8')).path as string;
    expect(await askHost(executable, { type: 'pair', launch: false })).toEqual([{ ok: false, reason: 'Ferry is not running' }]);
    expect(await askHost(executable, { type: 'pair', launch: true })).toEqual([{ ok: true, endpoint: 'http://127.0.0.1:6899/jsonrpc', secret: 'launched' }]);
  }, 30_000);

  test('removeEndpointFile leaves a file that another process wrote since', async () => {
    const file = path.join(dataDir, 'rpc-endpoint.json');
    await writeFile(file, JSON.stringify({ endpoint: 'http://127.0.0.1:6800/jsonrpc', secret: 'a', pid: process.ppid }));
    await removeEndpointFile(dataDir);
    expect(await readEndpointFile(dataDir)).not.toBeUndefined();
    await writeEndpointFile(dataDir, 'http://127.0.0.1:6800/jsonrpc', 'b');
    await removeEndpointFile(dataDir);
    expect(await readEndpointFile(dataDir)).toBeUndefined();
  });
});
