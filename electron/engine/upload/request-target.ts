// Turning a stored UploadRequest into what goes on the wire, at attempt time: the file's URL
// ({filename}, a folder URL ending in /), secret header references resolved (the records file only ever holds the reference).
import type { UploadProtocol } from '../../../shared/transfer';
import { uploadTargetUrl } from '../../../shared/upload-target';
import { isSecretRef, SECRET_REF_PREFIX, type SecretsProvider } from '../secrets';
import { TransferFailure } from '../types';
import { unsupportedUrlFailure } from './upload-errors';

/** The URL this file goes to (shared/upload-target.ts: `{filename}`, a raw upload to a folder URL ending in `/`), its scheme checked. */
export function expandUploadUrl(template: string, fileName: string, protocol: UploadProtocol = 'raw'): string {
  const expanded = uploadTargetUrl(template, fileName, protocol);
  let url: URL;
  try {
    url = new URL(expanded);
  } catch {
    throw new TransferFailure({ code: 'UNSUPPORTED_URL', message: `Not a valid upload URL: ${expanded}`, retryable: false });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw unsupportedUrlFailure(expanded);
  return url.toString();
}

export async function resolveHeaders(
  headers: Record<string, string> | undefined,
  secrets: SecretsProvider | undefined,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!isSecretRef(value)) {
      out[name] = value;
      continue;
    }
    const ref = value.slice(SECRET_REF_PREFIX.length);
    if (!secrets) {
      throw new TransferFailure({ code: 'INTERNAL', message: `Header ${name} needs a stored secret, but no secret store is available`, retryable: false });
    }
    try {
      out[name] = await secrets.resolve(ref);
    } catch (err) {
      // The message names the header, never a value.
      throw new TransferFailure({ code: 'INTERNAL', message: `Could not read the secret for header ${name}: ${(err as Error).message}`, retryable: false });
    }
    if (/[\r\n\0]/.test(out[name]!)) {
      throw new TransferFailure({ code: 'INTERNAL', message: `The secret for header ${name} contains a line break`, retryable: false });
    }
  }
  return out;
}
