// Reference for the upload benchmark: the plainest way a Node program PUTs a file (a read
// stream piped into http.request with Content-Length; no staged copy, no hash, no retries).
// The gap between this and curl is roughly Node's own cost; the gap between ferry and this is
// what staging (copy + SHA-256) and the engine cost.
// Usage: node bench/node-baseline-put.mjs <file> <url>
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';

const [file, url] = process.argv.slice(2);
const request = http.request(url, { method: 'PUT', headers: { 'content-length': statSync(file).size } });
const status = await new Promise((resolve, reject) => {
  request.once('response', (response) => {
    response.resume();
    response.once('end', () => resolve(response.statusCode));
  });
  request.once('error', reject);
  createReadStream(file, { highWaterMark: 2 << 20 }).once('error', reject).pipe(request);
});
if (status < 200 || status > 299) throw new Error(`HTTP ${status}`);
