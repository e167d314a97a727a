// How things that go wrong during an upload become TransferFailures people can read.
import { classifyError } from '../error-classifier';
import { TransferFailure } from '../types';

/** Anything thrown during the request that is not already a TransferFailure: the shared classifier decides. */
export function networkFailure(err: unknown): TransferFailure {
  if (err instanceof TransferFailure) return err;
  const e = err as NodeJS.ErrnoException & { name?: string };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = e instanceof Error ? e.message : String(err);
  if (code === 'ENOENT' && /staging/.test(message)) {
    return new TransferFailure({ code: 'FILE_SYSTEM', message: `The staged copy vanished: ${message}`, retryable: false });
  }
  return classifyError(err);
}

export function unsupportedUrlFailure(url: string): TransferFailure {
  return new TransferFailure({ code: 'UNSUPPORTED_URL', message: `Only http and https upload URLs are supported: ${url}`, retryable: false });
}
