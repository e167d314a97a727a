// Debian's Chromium, never a downloaded browser. Shared by playwright.config.ts and the bench.
export const CHROMIUM_PATH = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
