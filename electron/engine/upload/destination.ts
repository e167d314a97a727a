// Saved destinations (shared/settings.ts) become plain UploadRequests. Secret header values are
// replaced by references, so the request (and the records file) never holds them in clear.
import type { Destination } from '../../../shared/settings';
import { secretRefValue } from '../secrets';
import type { UploadRequest } from '../types';

export type DestinationHeader = Destination['headers'][number];

/**
 * `secretRefFor` names where the host's secret store keeps a secret header's value
 * (e.g. `${destination.id}/${header.name}`); the worker resolves it at attempt time.
 */
export function uploadRequestFromDestination(
  destination: Destination,
  sourcePath: string,
  secretRefFor: (destination: Destination, header: DestinationHeader) => string,
): UploadRequest {
  const headers: Record<string, string> = {};
  for (const header of destination.headers) {
    headers[header.name] = header.secret ? secretRefValue(secretRefFor(destination, header)) : header.value;
  }
  return {
    sourcePath,
    url: destination.url,
    method: destination.method,
    protocol: destination.protocol,
    headers,
    destinationId: destination.id,
    ...(destination.protocol === 'multipart' ? { fieldName: destination.fieldName, fields: { ...destination.fields } } : {}),
  };
}
