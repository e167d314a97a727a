// tus-js-client reports failures as DetailedError (with the HTTP response when there was one).
import * as tus from 'tus-js-client';
import { proxyRefusal } from '../net/proxy-answer';
import { httpStatusFailure } from '../retry-policy';
import { TransferFailure } from '../types';
import { networkFailure } from './upload-errors';

export function tusErrorFailure(err: unknown): TransferFailure {
  if (err instanceof TransferFailure) return err;
  const detailed = err as Partial<tus.DetailedError>;
  const res = detailed.originalResponse;
  if (res) {
    const refusal = proxyRefusal(res.getUnderlyingObject() as Parameters<typeof proxyRefusal>[0]);
    if (refusal) return networkFailure(refusal);
    return httpStatusFailure(res.getStatus(), undefined, res.getHeader('Retry-After'), res.getBody());
  }
  if (detailed.causingError) return networkFailure(detailed.causingError);
  const message = err instanceof Error ? err.message : String(err);
  // e.g. "tus: invalid or missing offset value": the server spoke tus badly; another try may help.
  return new TransferFailure({ code: 'RESPONSE_MISMATCH', message, retryable: true });
}
