// Reference for the benchmark: the least a Node program can do to save a URL to a file
// (http.get piped into a write stream; no retries, no resume, no fsync). The gap between this
// and curl is Node's own cost; the gap between ferry and this is ferry's.
// Usage: node bench/node-baseline.mjs <url> <file>
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';

const [url, file] = process.argv.slice(2);
const response = await new Promise((resolve, reject) => http.get(url, resolve).once('error', reject));
if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
await pipeline(response, createWriteStream(file, { highWaterMark: 1 << 20 }));
