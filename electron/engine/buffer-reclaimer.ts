// Node hands every socket read (and every file read of an upload) to JavaScript as a Buffer of its
// own, up to 64 KiB. Its memory lives outside V8's heap and is freed only when V8 collects the
// small wrapper object, which V8 does late: the wrappers barely fill the young generation, and
// outside-heap growth triggers a collection only after tens of MiB. A plain Node download
// (http.get piped into a file, bench/node-baseline.mjs) of 1 GiB from loopback nginx peaks at
// ~32 MiB of dead socket buffers and ~86 MB RSS. A young-generation collection after every 4 MiB
// moved frees them while they are young and cheap to collect (the same download: ~62 MB RSS, no
// measurable CPU; `ferry get` of 1 GiB: ~100 -> ~80 MB). It only helps while chunks die young:
// batch-writer.ts copies them instead of keeping them, chunk-reader.ts avoids `for await`.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

/** Bytes moved between two young-generation collections. */
export const RECLAIM_EVERY_BYTES = 4 << 20;

/**
 * V8's gc() without starting Node with --expose-gc (an Electron main process or `npm start`
 * cannot add that flag): the flag is set for one new context, which hands its gc back. Null where
 * the runtime refuses; then memory is simply left to V8's own timing.
 */
function exposedGc(): Gc | null {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as Gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    setFlagsFromString('--no-expose-gc');
    return typeof gc === 'function' ? (gc as Gc) : null;
  } catch {
    return null;
  }
}

export class BufferReclaimer {
  private since = 0;

  constructor(
    private readonly everyBytes = RECLAIM_EVERY_BYTES,
    private readonly gc: Gc | null = exposedGc(),
  ) {}

  /** Whether collections happen at all (false where the runtime refused to expose gc). */
  get active(): boolean {
    return this.gc !== null;
  }

  /** Counts bytes that just passed through a Buffer; collects the young generation when due. */
  moved(bytes: number): void {
    this.since += bytes;
    if (this.since < this.everyBytes || this.gc === null) return;
    this.since = 0;
    this.gc({ type: 'minor' });
  }
}

/** One per process: every transfer's buffers are garbage of the same heap. */
export const bufferReclaimer = new BufferReclaimer();
