// raw: PUT or POST with the staged copy as the whole body, exact Content-Length and a
// Content-Type from the extension. Cannot continue mid-body: every attempt starts at byte 0.
import { CHUNK_BYTES, meteredStream } from './metered-read';
import { interpretAnswer } from './http-answer';
import { sendBody } from './send-body';
import { SentChunkPool } from './sent-chunk-pool';
import { bodyMeter, type UploadAnswer, type UploadJob } from './upload-job';

export async function uploadRaw(job: UploadJob): Promise<UploadAnswer> {
  job.ctx.progress(0, job.staged.size);
  const headers: Record<string, string> = {
    'content-type': job.contentType,
    ...Object.fromEntries(Object.entries(job.headers).filter(([name]) => name.toLowerCase() !== 'content-length')),
    // Ours, not the user's: a wrong length would corrupt what the server stores.
    'content-length': String(job.staged.size),
  };
  // The body is the file from byte 0, so body offsets are file offsets.
  const pool = new SentChunkPool(CHUNK_BYTES);
  const answer = await sendBody({
    url: job.url,
    method: job.method,
    headers,
    body: meteredStream(job.staged.path, 0, job.staged.size, bodyMeter(job, 0), pool),
    onSent: (transferred) => pool.sent(transferred),
    guard: job.guard,
    stallTimeoutMs: job.ctx.stallTimeoutMs,
    responseTimeoutMs: job.responseTimeoutMs,
    ...(job.ctx.agent ? { agent: job.ctx.agent } : {}),
  });
  return interpretAnswer(answer);
}
