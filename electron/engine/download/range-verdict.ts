// The verdict on one range response of a segmented download: use it, use one connection fewer,
// or stop everything because the file is not the one we have.
import type { TransferFailure } from '../types';
import { failure } from './failures';
import { readExcerpt, responseFacts, type OpenedResponse } from './http-request';
import { checkResponse, type RangeAsked } from './response-check';

export type RangeVerdict =
  | { kind: 'ok' }
  /** The server will not serve this connection (429/503, full body instead of a range...). */
  | { kind: 'refused'; failure: TransferFailure }
  /** The resource is not what we have (changed, other size): stop everything. */
  | { kind: 'fatal'; failure: TransferFailure };

/**
 * What one range response of a segmented download means. `asked.knownTotal` is the file's size:
 * a 206 must start at `asked.offset`, carry the same size and validators; a full 200 means the file
 * changed (validators differ) or that this server will not serve this connection a range.
 */
export async function judgeRangeResponse(opened: OpenedResponse, asked: RangeAsked & { knownTotal: number }): Promise<RangeVerdict> {
  const total = asked.knownTotal;
  const ok = opened.status >= 200 && opened.status < 300;
  const excerpt = ok || opened.status === 416 ? undefined : await readExcerpt(opened.stream);
  const decision = checkResponse(asked, responseFacts(opened, excerpt));
  switch (decision.action) {
    case 'append':
      if (decision.totalBytes === total) return { kind: 'ok' };
      return { kind: 'fatal', failure: failure('RESPONSE_MISMATCH', `Server's size changed from ${total} to ${decision.totalBytes ?? 'unknown'} bytes`, true) };
    case 'restart':
      // A full body: either the file changed (validators differ) or this server ignores ranges here.
      if (decision.reason === 'the file changed on the server') {
        return { kind: 'fatal', failure: failure('RESPONSE_MISMATCH', 'The file changed on the server', true) };
      }
      return { kind: 'refused', failure: failure('NETWORK', 'the server answered a range request with the whole file', true) };
    case 'check-size':
      return { kind: 'fatal', failure: failure('RESPONSE_MISMATCH', 'Server says the range is past the end of the file', true) };
    case 'mismatch':
      return { kind: 'fatal', failure: failure('RESPONSE_MISMATCH', decision.message, true) };
    case 'fail':
      return { kind: 'refused', failure: decision.failure };
  }
}
