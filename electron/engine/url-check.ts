// What the engine accepts as a transfer URL: http and https only, said in words otherwise.
import { TransferFailure } from './types';

export function assertHttpUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new TransferFailure({ code: 'UNSUPPORTED_URL', message: `Not a valid URL: ${url.slice(0, 200)}`, retryable: false });
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new TransferFailure({
      code: 'UNSUPPORTED_URL',
      message: `Only http and https URLs are supported, not ${protocol.replace(':', '')}`,
      retryable: false,
    });
  }
}
