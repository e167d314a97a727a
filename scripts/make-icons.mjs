// Draws Ferry's app and tray icons as PNGs (no downloads, no image tools): a rounded teal
// square with a white arrow pointing down into a tray. Run: node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build', 'icons');

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Coverage in unit coordinates (0..1): which colour a point has, or null for transparent. */
function shade(u, v, { tray }) {
  const inArrow =
    (u > 0.42 && u < 0.58 && v > 0.18 && v < 0.55) || // shaft
    (v >= 0.45 && v < 0.7 && Math.abs(u - 0.5) < 0.7 - v) || // head
    (v > 0.74 && v < 0.82 && u > 0.24 && u < 0.76); // tray line
  if (tray) return inArrow ? [255, 255, 255] : null;
  const r = 0.2; // corner radius
  const cx = Math.min(Math.max(u, r), 1 - r);
  const cy = Math.min(Math.max(v, r), 1 - r);
  const inSquare = (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  if (!inSquare) return null;
  return inArrow ? [255, 255, 255] : [20, 128, 140];
}

function draw(size, options) {
  const rgba = Buffer.alloc(size * size * 4);
  const ss = 4; // supersampling for smooth edges
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let a = 0, r = 0, g = 0, b = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = shade((x + (sx + 0.5) / ss) / size, (y + (sy + 0.5) / ss) / size, options);
          if (!c) continue;
          a++; r += c[0]; g += c[1]; b += c[2];
        }
      }
      const i = (y * size + x) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round((255 * a) / (ss * ss));
    }
  }
  return png(size, rgba);
}

mkdirSync(out, { recursive: true });
for (const size of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(path.join(out, `${size}x${size}.png`), draw(size, { tray: false }));
writeFileSync(path.join(out, 'icon.png'), draw(512, { tray: false }));
// Tray: app icon at 16/32 px (visible on light and dark panels alike).
writeFileSync(path.join(out, 'tray.png'), draw(16, { tray: false }));
writeFileSync(path.join(out, 'tray@2x.png'), draw(32, { tray: false }));
// macOS template image: white glyph, the system tints it.
writeFileSync(path.join(out, 'trayTemplate.png'), draw(16, { tray: true }));
writeFileSync(path.join(out, 'trayTemplate@2x.png'), draw(32, { tray: true }));
console.log(`icons written to ${path.relative(root, out)}`);
