// Whether a server's final answer to raw/multipart means success, and what to keep of it.
import { httpStatusFailure } from '../retry-policy';
import type { HttpAnswer } from './send-body';
import type { UploadAnswer } from './upload-job';

/** 2xx, or 303 See Other (the server stored it and points at where it lives). */
export function isSuccessStatus(status: number): boolean {
  return (status >= 200 && status <= 299) || status === 303;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Success keeps status + Location; anything else throws the status, message and a cleaned excerpt. */
export function interpretAnswer(answer: HttpAnswer): UploadAnswer {
  if (!isSuccessStatus(answer.status)) {
    throw httpStatusFailure(answer.status, answer.statusText, answer.headers['retry-after'], answer.body);
  }
  const location = headerValue(answer.headers.location);
  return { status: answer.status, ...(location ? { location } : {}) };
}
