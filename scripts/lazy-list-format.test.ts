// The CLI bundle defers got's ICU list formatters (scripts/lazy-list-format.mjs): the build finds
// both in the dependency (a new version that words them differently shows here, not as a silent
// loss of ~6 MB per process), and the deferred formatter still words messages as before.
import { build } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { lazyListFormat } from './lazy-list-format.mjs';

const root = path.resolve(import.meta.dirname, '..');

describe('CLI bundle: lazy Intl.ListFormat', () => {
  it('rewrites both eager formatters of @sindresorhus/is, and its messages still list values', async () => {
    const result = await build({
      absWorkingDir: root,
      stdin: { contents: "import is, { assert } from '@sindresorhus/is'; export { is, assert };", resolveDir: root, loader: 'js' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      plugins: [lazyListFormat],
      logLevel: 'silent',
    });
    expect(result.warnings).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/(andFormatter|orFormatter) = new Intl\.ListFormat/);
    expect(code.match(/made \?\?= new Intl\.ListFormat/g)?.length).toBe(2);
    const mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { assert: { any(p: unknown[], v: unknown): void }; is: { string(v: unknown): boolean; number(v: unknown): boolean } };
    expect(() => mod.assert.any([mod.is.string, mod.is.number], null)).toThrow(/string.*or.*number|`string` or `number`/);
  });
});
