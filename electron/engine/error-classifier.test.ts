// The shared classifier, called directly: with errors shaped as Node and got make them, and with
// real ones from loopback (a refused connection, a self-signed certificate, got's DNS path).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import got from 'got';
import { describe, expect, it } from 'vitest';
import { afterFailure } from './attempt-runner';
import { classifyError, NAME_NOT_FOUND_RETRIES } from './error-classifier';
import { TransferFailure } from './types';

function errnoError(code: string, message = code, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

const settings = { maxRetries: 8, retryBaseMs: 1000, retryMaxMs: 60_000 };

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('classifyError', () => {
  it('retries only an allowlist of transient network codes', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EHOSTUNREACH', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE']) {
      const failure = classifyError(errnoError(code, `socket said ${code}`));
      expect(failure.error, code).toMatchObject({ code: 'NETWORK', retryable: true });
      expect(failure.error.message).toContain(code);
    }
    expect(classifyError(errnoError('ETIMEDOUT'), { stallTimeoutMs: 30_000 }).error).toMatchObject({
      code: 'STALLED',
      retryable: true,
      message: expect.stringContaining('30 s'),
    });
  });

  it('does not retry what it does not know', () => {
    const unknown = classifyError(new Error('something odd happened'));
    expect(unknown.error).toMatchObject({ retryable: false, message: expect.stringContaining('something odd happened') });
    expect(classifyError(errnoError('HPE_INVALID_CONSTANT', 'Parse Error')).error.retryable).toBe(false);
    expect(classifyError('a string').error.retryable).toBe(false);
  });

  it('finds the socket code inside wrappers (got, undici causes)', () => {
    const wrapped = Object.assign(new Error('request failed'), { code: 'ERR_GOT_REQUEST_ERROR', cause: errnoError('ECONNRESET') });
    expect(classifyError(wrapped).error).toMatchObject({ code: 'NETWORK', retryable: true });
  });

  it('fails at once, readably, on a certificate error', () => {
    const failure = classifyError(errnoError('CERT_HAS_EXPIRED', 'certificate has expired'), { host: 'files.example' });
    expect(failure.error.retryable).toBe(false);
    expect(failure.error.message).toMatch(/TLS certificate is not trusted for files\.example \(CERT_HAS_EXPIRED\)/);
  });

  it('gives a name that does not resolve a few tries at most, then a readable failure', () => {
    const failure = classifyError(errnoError('ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere.test', { hostname: 'nowhere.test' }));
    expect(failure.error).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(failure.error.message).toMatch(/Cannot find the server nowhere\.test: the host name does not resolve/);
    expect(failure.maxRetries).toBe(NAME_NOT_FOUND_RETRIES);
    expect(NAME_NOT_FOUND_RETRIES).toBeLessThanOrEqual(3);
    // The engine's budget is 8, the failure's own is smaller and wins.
    expect(afterFailure(failure, NAME_NOT_FOUND_RETRIES, settings).kind).toBe('retry');
    const last = afterFailure(failure, NAME_NOT_FOUND_RETRIES + 1, settings);
    expect(last.kind).toBe('failed');
    expect(last.kind === 'failed' && last.error.message).toMatch(/does not resolve.*gave up after 3 attempts/);
  });

  it('passes TransferFailures through untouched', () => {
    const own = new TransferFailure({ code: 'HTTP_STATUS', status: 503, message: 'Server says 503', retryable: true }, 5000);
    expect(classifyError(own)).toBe(own);
  });

  it('real errors from loopback: refused connection, self-signed certificate, DNS through got', async () => {
    // A port nobody listens on: bind one, close it, connect.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const refused = classifyError(await caught(got(`http://127.0.0.1:${freePort}/`, { retry: { limit: 0 } })));
    expect(refused.error).toMatchObject({ code: 'NETWORK', retryable: true, message: expect.stringContaining('ECONNREFUSED') });

    const dir = await mkdtemp(path.join(tmpdir(), 'ferry-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
        '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
      const server = createServer({ key: await readFile(path.join(dir, 'key.pem')), cert: await readFile(path.join(dir, 'cert.pem')) }, (_req, res) => res.end('hi'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const tls = classifyError(await caught(got(`https://127.0.0.1:${port}/`, { retry: { limit: 0 } })), { host: '127.0.0.1' });
        expect(tls.error.retryable).toBe(false);
        expect(tls.error.message).toMatch(/TLS certificate is not trusted for 127\.0\.0\.1 \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // got's own DNS path, with a resolver that knows no names (nothing leaves the machine).
    const dnsLookup = ((hostname: string, _options: unknown, callback: (error: Error) => void) =>
      callback(errnoError('ENOTFOUND', `getaddrinfo ENOTFOUND ${hostname}`, { hostname }))) as never;
    const dns = classifyError(await caught(got('http://nowhere.test/', { retry: { limit: 0 }, dnsLookup })));
    expect(dns.error.message).toMatch(/Cannot find the server nowhere\.test/);
    expect(dns.maxRetries).toBe(NAME_NOT_FOUND_RETRIES);
  });
});
