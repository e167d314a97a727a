// What a finished transfer means for the user: the line to print and the exit status.
import path from 'node:path';
import { maskUrlPasswords } from '../../../shared/secret-mask';
import type { TransferError, TransferView } from '../../../shared/transfer';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** 0 when every transfer completed, 1 otherwise. */
export function exitCodeFor(views: readonly TransferView[]): number {
  return views.every((view) => view.state === 'completed') ? EXIT_OK : EXIT_FAILED;
}

/** get: the saved file's path. put: where the upload landed (Location, resolved), else the URL. */
export function resultText(view: TransferView): string {
  if (view.kind === 'download') {
    const details = view.download;
    if (details?.filePath) return details.filePath;
    return details ? path.join(details.directory, details.fileName) : view.name;
  }
  const location = view.upload?.response?.location;
  if (!location) return maskUrlPasswords(view.url);
  try {
    return maskUrlPasswords(new URL(location, view.finalUrl ?? view.url).href);
  } catch {
    return location;
  }
}

/** One line, always naming the HTTP status when one caused the failure. */
export function failureText(view: TransferView): string {
  const url = maskUrlPasswords(view.url);
  const what = view.kind === 'download' ? url : `${view.upload?.sourcePath ?? view.name} -> ${url}`;
  if (view.state === 'canceled') return `${what}: canceled`;
  return `${what}: ${errorText(view.error, { withBody: view.kind === 'upload' })}`;
}

const BODY_CHARS = 120;

/** An upload's server usually explains a refusal in its body; a download's body is a web page. */
export function errorText(error: TransferError | undefined, options: { withBody?: boolean } = {}): string {
  if (!error) return 'failed';
  let text = oneLine(error.message) || error.code;
  if (error.status !== undefined && !text.includes(String(error.status))) text += ` (HTTP ${error.status})`;
  const body = options.withBody && error.body ? oneLine(error.body) : '';
  if (body) text += ` - server said: ${body.length > BODY_CHARS ? `${body.slice(0, BODY_CHARS)}...` : body}`;
  return text;
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

/** Why the engine refused to add a transfer (a TransferFailure from prepare, or any error). */
export function refusalText(error: unknown): string {
  const transferError = (error as { error?: unknown } | null)?.error;
  if (transferError && typeof transferError === 'object' && 'message' in transferError) {
    return errorText(transferError as TransferError, { withBody: true });
  }
  return error instanceof Error ? error.message : String(error);
}
