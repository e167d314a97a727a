// The upload worker (tus-js-client, multipart encoder, MIME table) loaded on first use, so a host
// that never uploads (`ferry get` in a data folder without uploads) never pays for loading it.
import type { SecretsProvider } from './secrets';
import type { TransferWorker } from './types';

export function lazyUploadWorker(options: { dataDir: string; secrets?: SecretsProvider }): TransferWorker {
  let loading: Promise<TransferWorker> | undefined;
  const load = () =>
    (loading ??= import('./upload/upload-worker').then(({ createUploadWorker }) =>
      createUploadWorker({ dataDir: options.dataDir, ...(options.secrets ? { secrets: options.secrets } : {}) }),
    ));
  return {
    prepare: async (record) => (await load()).prepare?.(record) ?? {},
    startup: async (records) => {
      // Cleaning up orphaned staged copies matters only where uploads happen.
      if (records.length > 0 || options.secrets) await (await load()).startup?.(records);
    },
    attempt: async (ctx) => (await load()).attempt(ctx),
    discard: async (record, opts) => (await load()).discard(record, opts),
  };
}
