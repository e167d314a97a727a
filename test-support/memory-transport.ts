// Two ends of an in-memory message transport, for tests of the wire without a socket:
//
//   const [hostEnd, clientEnd] = memoryTransportPair();
//   serveContract(hostEnd, service);
//   client.attach(clientEnd);
//   hostEnd.pretendBuffered(64 * 1024 * 1024);   // what a slow reader's socket would report
//   hostEnd.sent, hostEnd.closedWith            // what this end sent, and why it closed (undefined: open)
//
// Messages arrive asynchronously (as on a socket), in order. Closing either end closes both.
import type { MessageTransport } from '../shared/wire/transport';

export class MemoryEnd implements MessageTransport {
  readonly sent: string[] = [];
  closedWith: string | undefined;
  peer!: MemoryEnd;
  private readonly messageListeners = new Set<(text: string) => void>();
  private readonly closeListeners = new Set<() => void>();
  private readonly unreadableListeners = new Set<(why: string) => void>();
  private buffered = 0;

  send(text: string): void {
    if (this.closedWith !== undefined) return;
    this.sent.push(text);
    setImmediate(() => this.peer.deliver(text));
  }
  onMessage(listener: (text: string) => void): () => void {
    return subscribe(this.messageListeners, listener);
  }
  onClose(listener: () => void): () => void {
    return subscribe(this.closeListeners, listener);
  }
  onUnreadable(listener: (why: string) => void): () => void {
    return subscribe(this.unreadableListeners, listener);
  }
  close(why = 'closed'): void {
    if (!this.shutDown(why)) return;
    setImmediate(() => this.peer.shutDown(`the peer closed: ${why}`));
  }
  bufferedBytes(): number {
    return this.buffered;
  }
  pretendBuffered(bytes: number): void {
    this.buffered = bytes;
  }
  /** A frame that carries no message arrives at this end (as a binary frame would). */
  receiveUnreadable(why: string): void {
    for (const listener of [...this.unreadableListeners]) listener(why);
  }

  private deliver(text: string): void {
    if (this.closedWith === undefined) for (const listener of [...this.messageListeners]) listener(text);
  }
  private shutDown(why: string): boolean {
    if (this.closedWith !== undefined) return false;
    this.closedWith = why;
    for (const listener of [...this.closeListeners]) listener();
    return true;
  }
}

function subscribe<T>(set: Set<T>, listener: T): () => void {
  set.add(listener);
  return () => void set.delete(listener);
}

export function memoryTransportPair(): [MemoryEnd, MemoryEnd] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
