// Reference for the benchmark: the plainest way a Node program saves a URL to a file
// (http.get piped into a write stream; no retries, no resume, no fsync). The gap between this
// and curl is roughly Node's own cost. Not a strict floor: fs.WriteStream writes whichever single
// socket chunk arrives while the disk is idle, so it makes about twice the writes ferry's
// batching PartWriter does.
// Usage: node bench/node-baseline.mjs <url> <file>
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';

const [url, file] = process.argv.slice(2);
const response = await new Promise((resolve, reject) => http.get(url, resolve).once('error', reject));
if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
await pipeline(response, createWriteStream(file, { highWaterMark: 1 << 20 }));
