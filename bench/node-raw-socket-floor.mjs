// Not a contender of `npm run bench`: the measurement behind docs/benchmarks.md's 2026-12-07 notes,
// kept so it can be repeated. The lowest a Node program goes here: a raw TCP socket reading into one
// reused buffer (net's `onread`, RAW_KIB KiB, 1024 by default), no HTTP parser, `writeSync` of each
// read. Plain http, a Content-Length body, no redirects, no checks: not a download manager.
// Usage: RAW_KIB=1024 node bench/node-raw-socket-floor.mjs http://127.0.0.1:PORT/file out.bin
import { closeSync, openSync, writeSync } from 'node:fs';
import net from 'node:net';

const [url, file] = process.argv.slice(2);
const target = new URL(url);
const fd = openSync(file, 'w');
const buffer = Buffer.allocUnsafe(Number(process.env.RAW_KIB ?? 1024) << 10);
let inHeader = true;
let left = -1;
let position = 0;
const socket = net.connect(
  {
    host: target.hostname,
    port: Number(target.port || 80),
    onread: {
      buffer,
      callback(bytes, read) {
        let start = 0;
        if (inHeader) {
          const head = read.subarray(0, bytes).toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) throw new Error('the response headers did not fit in the first read');
          left = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
          start = end + 4;
          inHeader = false;
        }
        writeSync(fd, read, start, bytes - start, position);
        position += bytes - start;
        left -= bytes - start;
        if (left === 0) {
          socket.destroy();
          closeSync(fd);
        }
      },
    },
  },
  () => socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`),
);
