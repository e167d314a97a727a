// tus 1.0 through tus-js-client (its Node build). The upload URL the server creates is saved in
// the record's resume data before any body byte is sent, so after pause, restart or SIGKILL the
// next attempt asks the server for its offset (HEAD) and continues from there. tus-js-client's
// own retries are off: the engine retries. Every server-confirmed offset is checkpointed as
// resume.bytesConfirmed, the engine's measure of durable progress.
//
// Checksums: tus-js-client 4 does not implement the checksum extension (no Upload-Checksum
// support), and neither does @tus/server 2, so none is sent.
//
// The user's headers were given for the creation endpoint's origin; the upload URL the server
// names may be elsewhere, so each request gets them only where origin-headers.ts allows.
import type { Readable } from 'node:stream';
import * as tus from 'tus-js-client';
import { headersFor, originOf } from '../origin-headers';
import { TransferFailure, type UploadResumeData } from '../types';
import { meteredStream } from './metered-read';
import type { UploadAnswer, UploadJob } from './upload-job';
import { tusErrorFailure } from './tus-errors';
import { networkFailure } from './upload-errors';

export interface TusOptions {
  /** Bytes per PATCH request; each completed PATCH is a durable checkpoint. */
  chunkSize: number;
}

interface Timer {
  stop(): void;
}

export function uploadTus(job: UploadJob, options: TusOptions): Promise<UploadAnswer> {
  const { ctx, guard, staged } = job;
  const resume = ctx.record.resume as UploadResumeData;
  let savedUrl = resume.tusUploadUrl;
  // The offset the server last confirmed: a PATCH that leaves it where it was sent bytes for nothing.
  let confirmedOffset = resume.bytesConfirmed ?? 0;
  let urlSaved: Promise<void> = Promise.resolve();
  // The creation POST is out: the server may be making the upload right now.
  let creating = false;
  // A failure of ours came while creating: the attempt ends once the server named the upload (and it is saved).
  let endAfterCreation: NodeJS.Timeout | undefined;
  const headersOrigin = originOf(job.url);
  // Timers of the request in flight: stall while its body goes out, then the response timeout.
  let timers: Timer[] = [];
  const stopTimers = () => {
    for (const t of timers) t.stop();
    timers = [];
  };

  // Bodies handed to tus-js-client; on abort it drops them unread, so we close their files ourselves.
  const bodies = new Set<Readable>();

  const fileReader = {
    async openFile() {
      return {
        size: staged.size,
        async slice(start: number, end: number) {
          const stop = Math.min(end, staged.size);
          const stall = guard.watchStall(ctx.stallTimeoutMs);
          timers.push(stall);
          const body = meteredStream(staged.path, start, stop, {
            signal: guard.signal,
            throttle: ctx.throttle,
            onBytes: () => stall.kick(),
            onGranted: () => stall.kick(),
            ...(job.available ? { available: job.available } : {}),
          }) as Readable & { size: number };
          // tus-js-client's Node HTTP stack sends `size` as Content-Length.
          body.size = stop - start;
          // tus-js-client pipes the body without listening for its errors: a read failure (or our
          // own abort) would otherwise be an uncaught 'error' and leave the request hanging.
          body.on('error', (err) => {
            if (!guard.signal.aborted) guard.fail(networkFailure(err));
          });
          bodies.add(body);
          body.once('close', () => bodies.delete(body));
          body.once('end', () => {
            stall.stop();
            timers.push(guard.watchResponse(job.responseTimeoutMs));
          });
          return { value: body, done: stop >= staged.size };
        },
        close() {},
      };
    },
  };

  return new Promise<UploadAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      stopTimers();
      clearTimeout(endAfterCreation);
      for (const body of bodies) body.destroy();
      guard.signal.removeEventListener('abort', onAbort);
      fn();
    };
    const upload = new tus.Upload(Buffer.alloc(0), {
      endpoint: job.url,
      uploadUrl: resume.tusUploadUrl ?? null,
      uploadSize: staged.size,
      chunkSize: options.chunkSize,
      retryDelays: null,
      // Set per request in onBeforeRequest, where the request's URL is known.
      headers: {},
      metadata: { filename: job.fileName, filetype: job.contentType },
      fileReader: fileReader as unknown as tus.UploadOptions['fileReader'],
      // Resume state lives in our record, not in tus-js-client's URL storage.
      storeFingerprintForResuming: false,
      fingerprint: async () => `ferry-${ctx.record.transfer.id}`,
      // tus-js-client's Node stack passes its request options to http(s).request: the attempt's
      // proxy routing reaches every POST, HEAD and PATCH that way.
      ...(ctx.agent ? { httpStack: new tus.DefaultHttpStack({ agent: ctx.agent }) } : {}),
      onUploadUrlAvailable() {
        creating = false;
        const url = upload.url ?? undefined;
        if (!url || url === savedUrl) return;
        // A new upload on the server (first attempt, or the old one expired): nothing confirmed yet.
        savedUrl = url;
        confirmedOffset = 0;
        urlSaved = ctx.checkpoint({ resume: { tusUploadUrl: url, bytesConfirmed: 0 } });
      },
      async onBeforeRequest(req) {
        for (const [name, value] of Object.entries(headersFor(req.getURL(), job.headers, headersOrigin))) req.setHeader(name, value);
        if (req.getMethod() === 'POST') creating = true;
        // Never send body bytes for an upload URL the record does not know yet.
        await urlSaved;
        // The attempt failed while the upload was being created: now that its URL is saved, end it.
        if (endAfterCreation) throw guard.failure;
        // A PATCH got its stall watchdog when its body was sliced (just before this call).
        if (req.getMethod() !== 'PATCH') {
          stopTimers();
          timers.push(guard.watchResponse(job.responseTimeoutMs));
        }
      },
      async onAfterResponse(req, res) {
        stopTimers();
        const method = req.getMethod();
        const offset = Number.parseInt(res.getHeader('Upload-Offset') ?? '', 10);
        const status = res.getStatus();
        if ((method === 'HEAD' || method === 'PATCH') && status >= 200 && status < 300 && Number.isFinite(offset)) {
          if (method === 'PATCH' && offset <= confirmedOffset && offset < staged.size) {
            // Without this, tus-js-client sends the same chunk again at once, forever (a hot loop):
            // end the attempt; the engine counts it as one without progress and waits its backoff.
            guard.fail(noProgressFailure(offset));
            return;
          }
          confirmedOffset = offset;
          await ctx.checkpoint({ resume: { bytesConfirmed: offset } });
        }
      },
      onProgress(bytesSent, bytesTotal) {
        ctx.progress(bytesSent, bytesTotal);
      },
      onSuccess({ lastResponse }) {
        settle(() => resolve({ status: lastResponse.getStatus(), ...(upload.url ? { location: upload.url } : {}) }));
      },
      onError(err) {
        settle(() => reject(guard.failure ?? tusErrorFailure(err)));
      },
    });
    const abortNow = () => {
      void upload.abort(false).finally(() => settle(() => reject(guard.failure ?? guard.signal.reason)));
    };
    const onAbort = () => {
      // Our own failure (the staging copy hit a full disk, say) while the creation POST is out:
      // cut now and the server may still create the upload, which nobody would ever continue,
      // and the retry would create a second one. Let the answer come, within the response
      // timeout, so the URL is saved; the next request then ends the attempt (onBeforeRequest).
      // The engine's own stop (pause, cancel, shutdown) still cuts at once.
      if (creating && guard.failure && !guard.stoppedByEngine) {
        endAfterCreation = setTimeout(abortNow, job.responseTimeoutMs);
        return;
      }
      abortNow();
    };
    if (guard.signal.aborted) {
      settle(() => reject(guard.failure ?? guard.signal.reason));
      return;
    }
    guard.signal.addEventListener('abort', onAbort, { once: true });
    ctx.progress(resume.bytesConfirmed ?? 0, staged.size);
    upload.start();
  });
}

function noProgressFailure(offset: number): TransferFailure {
  return new TransferFailure({
    code: 'RESPONSE_MISMATCH',
    message: `The tus server accepted a PATCH but did not advance Upload-Offset (still ${offset})`,
    retryable: true,
  });
}
