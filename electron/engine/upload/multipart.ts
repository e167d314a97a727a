// multipart/form-data: a named file field plus text fields, encoded by formdata-node's spec
// FormData (got runs it through form-data-encoder, which sets the boundary and an exact
// Content-Length). The file part is read from the staged copy on demand, never buffered whole.
import { FormData } from 'formdata-node';
import { meteredStream, type BodyMeter } from './metered-read';
import { interpretAnswer } from './http-answer';
import { sendBody } from './send-body';
import { bodyMeter, type UploadAnswer, type UploadJob } from './upload-job';

/**
 * A spec File look-alike over the staged copy (like formdata-node's fileFromPath), whose stream
 * goes through the meter so speed limits, progress and the stall watchdog see every chunk.
 */
class StagedFilePart {
  readonly lastModified: number;
  constructor(
    readonly name: string,
    readonly type: string,
    readonly size: number,
    private readonly filePath: string,
    private readonly meter: BodyMeter,
    lastModified: number,
  ) {
    this.lastModified = lastModified;
  }
  get [Symbol.toStringTag](): string {
    return 'File';
  }
  stream(): AsyncIterable<Uint8Array> {
    return meteredStream(this.filePath, 0, this.size, this.meter);
  }
}

export function buildForm(job: UploadJob): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(job.fields)) form.append(name, value);
  const part = new StagedFilePart(job.fileName, job.contentType, job.staged.size, job.staged.path, bodyMeter(job, 0), job.staged.sourceMtimeMs);
  form.append(job.fieldName, part as unknown as Blob, job.fileName);
  return form;
}

export async function uploadMultipart(job: UploadJob): Promise<UploadAnswer> {
  job.ctx.progress(0, job.staged.size);
  // The encoder sets Content-Type (with boundary) and Content-Length; a user header must not override them.
  const headers = Object.fromEntries(Object.entries(job.headers).filter(([name]) => !/^content-(type|length)$/i.test(name)));
  const answer = await sendBody({
    url: job.url,
    method: job.method,
    headers,
    body: buildForm(job),
    guard: job.guard,
    stallTimeoutMs: job.ctx.stallTimeoutMs,
    responseTimeoutMs: job.responseTimeoutMs,
    ...(job.ctx.agent ? { agent: job.ctx.agent } : {}),
  });
  return interpretAnswer(answer);
}
