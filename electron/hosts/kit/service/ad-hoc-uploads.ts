// addUploadsTo: uploads to a target named in the call (URL, protocol, headers), as `ferry put`
// hands them to a running Ferry. Header values go into the host's secret store and the engine
// gets references, so a token never lands in the records file; the reference is derived from
// the value, so running the same command again reuses the stored secret instead of adding one.
import { createHash } from 'node:crypto';
import type { ParsedInput } from '../../../../shared/contract';
import { secretRefValue } from '../../../engine/index';
import type { UploadRequest } from '../../../engine/index';
import { storeTransferProxy } from './proxy-secrets';

export interface AdHocSecretSink {
  set(ref: string, value: string): Promise<void>;
  /** Held from storing the values until the uploads are in the engine (nothing sweeps them meanwhile). */
  hold?(): () => void;
}

/** Every reference adHocSecretRef makes starts so (ad-hoc-secret-keeper.ts sweeps them). */
export const AD_HOC_SECRET_PREFIX = 'cli-header.';

export function adHocSecretRef(headerName: string, value: string): string {
  const digest = createHash('sha256').update(`${headerName.toLowerCase()}\n${value}`).digest('hex').slice(0, 32);
  return `${AD_HOC_SECRET_PREFIX}${headerName.toLowerCase()}.${digest}`;
}

/** The engine requests for one addUploadsTo call, its header values stored as secrets first. */
export async function adHocUploadRequests(input: ParsedInput<'addUploadsTo'>, secrets: AdHocSecretSink): Promise<UploadRequest[]> {
  const headers: Record<string, string> = {};
  for (const header of input.headers ?? []) {
    const ref = adHocSecretRef(header.name, header.value);
    await secrets.set(ref, header.value);
    headers[header.name] = secretRefValue(ref);
  }
  const proxy = input.proxy ? await storeTransferProxy(input.proxy, secrets) : undefined;
  return input.uploads.map(({ path, url }) => {
    const request: UploadRequest = { sourcePath: path, url, protocol: input.protocol, method: input.method, headers, ...(proxy ? { proxy } : {}) };
    if (input.fieldName !== undefined) request.fieldName = input.fieldName;
    if (input.fields !== undefined && Object.keys(input.fields).length > 0) request.fields = input.fields;
    if (input.bytesPerSecond !== undefined) request.speedLimit = input.bytesPerSecond;
    return request;
  });
}
