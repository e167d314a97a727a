// How the service says no: a Refusal carries the error code UIs should see; every other error a
// handler meets becomes an error reply by its class (engine errors included), never by its name.
import type { ErrorReply } from '../../../../shared/contract';
import { DownloadFolderRefused, InvalidTransitionError, TransferFailure, TransferNotFoundError } from '../../../engine/index';
import { ClientPathRefused } from './client-save-folders';
import { DestinationError } from './destinations-store';
import { ProxyInputError } from './proxy-secrets';
import { PathRefused } from './user-choices';

/** A refusal the service raises on purpose, with the error code UIs should see (and the input field it is about). */
export class Refusal extends Error {
  constructor(
    readonly code: ErrorReply['code'],
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A refused download folder, said next to the field it was typed in. */
export async function aboutFolder<T>(field: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DownloadFolderRefused || error instanceof PathRefused || error instanceof ClientPathRefused) throw new Refusal(error.code, error.message, field);
    throw error;
  }
}

/** A proxy address or password the caller must fix: refused in words. */
export async function proxyInput<T>(store: () => Promise<T>): Promise<T> {
  try {
    return await store();
  } catch (error) {
    if (error instanceof ProxyInputError) throw new Refusal('INVALID_INPUT', error.message);
    throw error;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorReplyFrom(error: unknown): ErrorReply {
  if (error instanceof Refusal) return { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
  if (error instanceof DestinationError || error instanceof DownloadFolderRefused || error instanceof PathRefused || error instanceof ClientPathRefused) {
    return { code: error.code, message: error.message };
  }
  if (error instanceof TransferFailure) return { code: 'FAILED', message: error.error.message };
  if (error instanceof TransferNotFoundError) return { code: 'NOT_FOUND', message: error.message };
  if (error instanceof InvalidTransitionError) return { code: 'FAILED', message: error.message };
  return { code: 'FAILED', message: messageOf(error) };
}
