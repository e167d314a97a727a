// A self-signed certificate for 127.0.0.1, made with Debian's openssl, for https test servers:
//
//   const tls = await loopbackCertificate();   // { key, cert, certFile }
//   const server = await startTestServer({ tls });
//   // a child process trusts it with NODE_EXTRA_CA_CERTS=tls.certFile
//
// Made once per test process (a few ms); the files live in a temp folder removed at exit.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface LoopbackCertificate {
  key: string;
  cert: string;
  /** The certificate as a PEM file, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
}

let made: Promise<LoopbackCertificate> | undefined;

export function loopbackCertificate(): Promise<LoopbackCertificate> {
  return (made ??= make());
}

async function make(): Promise<LoopbackCertificate> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-tls-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
