// The packaged app's Electron fuses, read from electron-builder.yml the way electron-builder reads
// it, and checked against electron-builder's own schema so a misspelt fuse cannot pass unnoticed.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// electron-builder lives with the packaging tools (packaging/, installed by `npm run dist`), apart
// from Ferry's own dependencies: its rebuilder wants a newer Node than Ferry does.
const builderScheme = path.join(root, 'packaging/node_modules/app-builder-lib/scheme.json');
const noBuilder = existsSync(builderScheme) ? false : 'electron-builder is not installed: run `npm ci --prefix packaging` to check the fuse names against its schema';

async function builderConfig(): Promise<Record<string, unknown>> {
  return yaml.load(await readFile(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
}

describe('electron-builder fuses', () => {
  it('turn off every way to run the packaged binary as Node or attach a debugger, and load only the checked asar', async () => {
    const config = await builderConfig();
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it.skipIf(noBuilder)(`names only fuses that electron-builder knows${noBuilder ? ` (skipped: ${noBuilder})` : ''}`, async () => {
    const fuses = (await builderConfig()).electronFuses as Record<string, unknown>;
    const scheme = JSON.parse(await readFile(builderScheme, 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
    };
    const known = Object.keys(scheme.definitions.FuseOptionsV1.properties);
    for (const name of Object.keys(fuses)) expect(known).toContain(name);
  });
});
