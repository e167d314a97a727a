// The standalone CLI's header values (`ferry put -H`) live in memory for the run: they are typed
// on the command line, and a rerun types them again (the same value makes the same reference, so
// a continued tus upload finds it). The data folder's secret store still answers every other
// reference (a download's cookies kept by a Ferry that ran on this folder before).
import { MemorySecretsProvider, UnknownSecretError, type SecretsProvider } from '../../../engine/index';
import type { SweptSecretStore } from '../service/ad-hoc-secret-keeper';

export interface RunSecrets extends SweptSecretStore, SecretsProvider {}

export function runSecretsOver(stored: SecretsProvider): RunSecrets {
  const memory = new MemorySecretsProvider();
  return {
    async set(ref, value) {
      memory.set(ref, value);
    },
    async delete(ref) {
      memory.delete(ref);
    },
    refs: () => memory.refs(),
    async resolve(ref) {
      try {
        return await memory.resolve(ref);
      } catch (error) {
        if (error instanceof UnknownSecretError) return stored.resolve(ref);
        throw error;
      }
    },
  };
}
