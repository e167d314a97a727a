// A fault-injecting TCP proxy on 127.0.0.1, between Ferry and a real server (nginx, the awkward
// test server, @tus/server). toxiproxy is not available here and `tc netem` is missing from the
// kernel, so faults are made in user space, one TCP connection at a time.
//
//   const proxy = await startFaultProxy({ port: nginx.port });        // passes everything through
//   proxy.url('/a.bin')                                               // http://127.0.0.1:PROXY/a.bin
//   proxy.script([{ kind: 'cut', afterBytes: 100_000 }, { kind: 'pass' }]); // k-th connection meets fault k
//   proxy.script((k) => (k === 0 ? { kind: 'pass' } : { kind: 'trickle', bytesPerSec: 50_000 })); // slow all but one
//   proxy.refuseFor(2000);                                            // nothing listens for 2 s (ECONNREFUSED)
//   proxy.serverBytesSent() / proxy.clientBytesSent()             // what each side had to send (before any fault)
//   proxy.deliveredBytes()                                        // what the clients received (after the faults)
//   proxy.connections -> [{ index, fault, serverSent, clientSent, closed }]
//   await proxy.close();                                              // destroys every open socket
//
// Faults apply to what the server sends (response direction) unless `direction: 'up'` (request
// body, for uploads). Connections past the end of a script array pass through untouched.
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** Forward everything. */
  | { kind: 'pass' }
  /** Forward `afterBytes` bytes, then close both sides (`reset`: with a TCP RST instead of a FIN). */
  | { kind: 'cut'; afterBytes: number; reset?: boolean; direction?: 'down' | 'up' }
  /** Forward `afterBytes` bytes, then forward nothing more and keep both sockets open. */
  | { kind: 'stall'; afterBytes: number; direction?: 'down' | 'up' }
  /** Forward at about `bytesPerSec` (in 20 slices a second). */
  | { kind: 'trickle'; bytesPerSec: number; direction?: 'down' | 'up' }
  /** Reset (RST) after `afterBytes` of the response (default 17: inside the status line/headers). */
  | { kind: 'reset-in-headers'; afterBytes?: number }
  /** Accept, then reset at once without contacting the server. */
  | { kind: 'reset-on-connect' };

export type FaultScript = readonly Fault[] | ((connectionIndex: number) => Fault);

export interface ProxiedConnection {
  index: number;
  fault: Fault;
  /** Bytes read from the server (what it sent) on this connection. */
  serverSent: number;
  /** Bytes read from the client (what it sent towards the server; a fault may not forward all). */
  clientSent: number;
  /** Bytes written to the client: what the client received (a cut swallows what the server sent past it). */
  delivered: number;
  closed: boolean;
}

export interface FaultProxy {
  port: number;
  baseUrl: string;
  url(pathAndQuery: string): string;
  /** Replace the script; connection indexes keep counting from where they are. */
  script(script: FaultScript): void;
  /** Stop listening for `ms` (new connections get ECONNREFUSED), then listen on the same port again. */
  refuseFor(ms: number): Promise<void>;
  connections: ProxiedConnection[];
  serverBytesSent(): number;
  clientBytesSent(): number;
  /** Bytes the clients received from the server through the proxy, over all connections. */
  deliveredBytes(): number;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The server behind the proxy, on 127.0.0.1. */
  port: number;
  script?: FaultScript;
}

const HEADER_RESET_DEFAULT = 17; // "HTTP/1.1 200 OK\r\n" is 17 bytes: the reset lands in the headers

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  let script: FaultScript = options.script ?? [];
  const connections: ProxiedConnection[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let refusing: Promise<void> | undefined;
  let closed = false;

  const faultFor = (index: number): Fault =>
    typeof script === 'function' ? script(index) : (script[index] ?? { kind: 'pass' });

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // a reset is the point here, not an error of the proxy
  };

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const onConnection = (client: Socket): void => {
    track(client);
    const conn: ProxiedConnection = { index: connections.length, fault: faultFor(connections.length), serverSent: 0, clientSent: 0, delivered: 0, closed: false };
    connections.push(conn);
    const { fault } = conn;
    if (fault.kind === 'reset-on-connect') {
      client.resetAndDestroy();
      conn.closed = true;
      return;
    }
    const server = net.connect(options.port, '127.0.0.1');
    track(server);
    const finish = (): void => {
      conn.closed = true;
      client.destroy();
      server.destroy();
    };
    client.on('close', finish);
    const down = fault.kind === 'reset-in-headers' || !('direction' in fault) || fault.direction !== 'up';
    server.on('close', () => {
      conn.closed = true;
      // A server that closed (even with a reset) closes the client normally, after what is queued;
      // a faulty response direction decides that itself (a stall stays silent).
      if ((fault.kind === 'pass' || !down) && !client.destroyed) client.end();
    });
    server.on('data', (chunk: Buffer) => {
      conn.serverSent += chunk.length;
      if (fault.kind === 'pass' || !down) conn.delivered += chunk.length; // piped through whole
    });
    client.on('data', (chunk: Buffer) => void (conn.clientSent += chunk.length));

    if (fault.kind === 'pass') {
      client.pipe(server);
      server.pipe(client);
      return;
    }
    if (down) client.pipe(server);
    else server.pipe(client);
    const [from, to] = down ? [server, client] : [client, server];
    forwardWithFault(from, to, fault, { later, finish, reset: () => resetBoth(client, server, conn), forwarded: (n) => void (down && (conn.delivered += n)) });
  };

  const server = net.createServer(onConnection);
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    port,
    baseUrl,
    url: (p) => baseUrl + (p.startsWith('/') ? p : `/${p}`),
    script: (next) => void (script = next),
    connections,
    serverBytesSent: () => connections.reduce((sum, c) => sum + c.serverSent, 0),
    clientBytesSent: () => connections.reduce((sum, c) => sum + c.clientSent, 0),
    deliveredBytes: () => connections.reduce((sum, c) => sum + c.delivered, 0),
    refuseFor: (ms) =>
      (refusing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // server.close waits for open connections; they stay open, only the listener goes away.
        await new Promise((resolve) => setTimeout(resolve, ms));
        if (!closed) await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
        refusing = undefined;
      })()),
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await refusing;
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function resetBoth(client: Socket, server: Socket, conn: ProxiedConnection): void {
  conn.closed = true;
  if (!client.destroyed) client.resetAndDestroy();
  if (!server.destroyed) server.destroy();
}

interface ForwardHelpers {
  later(ms: number, fn: () => void): void;
  finish(): void;
  reset(): void;
  forwarded(bytes: number): void;
}

/** Moves bytes from `from` to `to`, applying the fault; pauses `from` for backpressure. */
function forwardWithFault(from: Socket, to: Socket, fault: Exclude<Fault, { kind: 'pass' | 'reset-on-connect' }>, h: ForwardHelpers): void {
  let forwarded = 0;
  let stopped = false;
  const limit =
    fault.kind === 'cut' || fault.kind === 'stall'
      ? fault.afterBytes
      : fault.kind === 'reset-in-headers'
        ? (fault.afterBytes ?? HEADER_RESET_DEFAULT)
        : Infinity;

  const atLimit = (): void => {
    stopped = true;
    if (fault.kind === 'stall') {
      from.pause(); // silent, sockets kept open until the client gives up or the proxy closes
      return;
    }
    const reset = fault.kind === 'reset-in-headers' || (fault.kind === 'cut' && fault.reset === true);
    // Let the allowed bytes reach the peer first, so a cut after N bytes really delivers N.
    // (The reset waits a moment: one sent at once after the write went out as a FIN in tests.)
    to.write(Buffer.alloc(0), () => h.later(20, () => (reset ? h.reset() : h.finish())));
  };

  if (limit === 0) {
    atLimit();
    return;
  }

  const queue: Buffer[] = [];
  let pumping = false;
  const sliceBytes = fault.kind === 'trickle' ? Math.max(1, Math.floor(fault.bytesPerSec / 20)) : Infinity;

  const pump = (): void => {
    if (stopped || to.destroyed) return;
    while (queue.length > 0) {
      const head = queue[0]!;
      const size = Math.min(head.length, sliceBytes, limit - forwarded);
      const piece = head.subarray(0, size);
      if (size === head.length) queue.shift();
      else queue[0] = head.subarray(size);
      forwarded += size;
      h.forwarded(size);
      const flushed = to.write(piece);
      if (forwarded >= limit) {
        atLimit();
        return;
      }
      if (fault.kind === 'trickle') {
        pumping = true;
        h.later(50, () => {
          pumping = false;
          pump();
        });
        return;
      }
      if (!flushed) {
        pumping = true;
        to.once('drain', () => {
          pumping = false;
          pump();
        });
        return;
      }
    }
    if (fromEnded) to.end();
    else from.resume();
  };

  let fromEnded = false;
  from.on('data', (chunk: Buffer) => {
    if (stopped) return;
    queue.push(chunk);
    from.pause();
    if (!pumping) pump();
  });
  const ended = (): void => {
    if (fromEnded) return;
    fromEnded = true;
    if (!pumping && queue.length === 0 && !stopped && !to.destroyed) to.end();
  };
  from.on('end', ended);
  from.on('close', ended);
}
