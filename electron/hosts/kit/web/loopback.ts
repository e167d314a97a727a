// Loopback names, for the DNS-rebinding defence of every local HTTP endpoint (the headless host,
// the aria2 RPC): a page on evil.example rebound to 127.0.0.1 still sends `Host: evil.example`.

/** The names and addresses of this machine's loopback interface, as they appear unbracketed. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

export function isLoopbackName(address: string): boolean {
  return LOOPBACK_NAMES.includes(address);
}

/** Whether a Host header names a loopback address on `port` (port 80 may be left out). */
export function isLoopbackHostHeader(hostHeader: string | undefined, port: number): boolean {
  const host = (hostHeader ?? '').toLowerCase();
  return LOOPBACK_NAMES.map((name) => (name.includes(':') ? `[${name}]` : name)).some(
    (name) => host === `${name}:${port}` || (port === 80 && host === name),
  );
}
