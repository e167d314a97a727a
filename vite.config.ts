// The renderer bundle. Electron loads it from file://, the headless host serves it over HTTP,
// so every asset URL is relative (base './').
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './electron/hosts/kit/web/security-policy.ts';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

/** The built page carries the hosts' Content-Security-Policy itself too (not in dev: HMR is inline). */
function cspMeta(): Plugin {
  return {
    name: 'ferry-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy().replace(/;?\s*frame-ancestors[^;]*/, '') }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), cspMeta()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
