// Builds the browser extension (extension/src, TypeScript) into extension/dist, ready to load
// unpacked in Chromium or Firefox: bundled scripts plus the manifest, options page, popup and icon.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'extension');
const out = path.join(root, 'dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { background: 'src/background.ts', options: 'src/options.ts', popup: 'src/popup.ts', 'alt-click': 'src/alt-click.ts' },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: ['chrome120', 'firefox121'],
  logLevel: 'warning',
});
for (const file of ['manifest.json', 'options.html', 'options.css', 'popup.html', 'popup.css', 'icon-128.png']) copyFileSync(path.join(root, file), path.join(out, file));
console.log(`[ferry] extension built into ${path.relative(process.cwd(), out) || out}`);
