// JSON-RPC 2.0 as aria2 speaks it: single calls and batches, `token:SECRET` as the first param of
// every aria2.* call (and of every call inside system.multicall), failures as code 1 with a message.
// Only system.listMethods and system.listNotifications answer without the secret, as in aria2.
import { createHash, timingSafeEqual } from 'node:crypto';
import { NOTIFICATIONS, type MethodTable } from './methods';
import { RpcError } from './rpc-error';

export type JsonRpcId = string | number | null;
export interface JsonRpcError {
  code: number;
  message: string;
}
export type JsonRpcResponse =
  | { id: JsonRpcId; jsonrpc: '2.0'; result: unknown }
  | { id: JsonRpcId; jsonrpc: '2.0'; error: JsonRpcError };

export const PARSE_ERROR: JsonRpcError = { code: -32700, message: 'Parse error.' };
const INVALID_REQUEST: JsonRpcError = { code: -32600, message: 'Invalid Request.' };

export interface Dispatcher {
  /**
   * One parsed JSON message (a call or a batch) → what to send back (undefined: nothing).
   * `onAuthorized` runs when a call in it carried the right secret.
   */
  handle(message: unknown, onAuthorized?: () => void): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined>;
}

function secretMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export function createDispatcher(table: MethodTable, secret: string): Dispatcher {
  const allNames = [...Object.keys(table.methods), 'system.multicall', 'system.listMethods', 'system.listNotifications'];
  type Context = { onAuthorized: (() => void) | undefined };

  /** Runs one method call; throws RpcError. */
  async function call(method: string, params: unknown[], ctx: Context): Promise<unknown> {
    if (method === 'system.listMethods') return allNames;
    if (method === 'system.listNotifications') return [...NOTIFICATIONS];
    if (method === 'system.multicall') return multicall(params, ctx);
    const impl = table.methods[method];
    // aria2 checks the secret before it looks the method up.
    const [first, ...rest] = params;
    if (typeof first !== 'string' || !first.startsWith('token:') || !secretMatches(first.slice(6), secret)) {
      throw new RpcError('Unauthorized');
    }
    ctx.onAuthorized?.();
    if (!impl) throw new RpcError(`No such method: ${method}`);
    return impl(rest);
  }

  async function multicall(params: unknown[], ctx: Context): Promise<unknown[]> {
    const [calls] = params;
    if (!Array.isArray(calls)) throw new RpcError('system.multicall expected an array of structs');
    const results: unknown[] = [];
    for (const entry of calls) {
      const struct = entry as { methodName?: unknown; params?: unknown } | null;
      try {
        if (typeof struct !== 'object' || struct === null || typeof struct.methodName !== 'string') {
          throw new RpcError('Missing methodName.');
        }
        if (struct.methodName === 'system.multicall') throw new RpcError('Recursive system.multicall forbidden.');
        const inner = struct.params === undefined ? [] : struct.params;
        if (!Array.isArray(inner)) throw new RpcError('params must be a list.');
        results.push([await call(struct.methodName, inner, ctx)]);
      } catch (error) {
        results.push(errorOf(error));
      }
    }
    return results;
  }

  async function one(message: unknown, ctx: Context): Promise<JsonRpcResponse | undefined> {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return { id: null, jsonrpc: '2.0', error: INVALID_REQUEST };
    }
    const { id, method, params } = message as { id?: unknown; method?: unknown; params?: unknown };
    const replyId: JsonRpcId = typeof id === 'string' || typeof id === 'number' ? id : null;
    if (typeof method !== 'string') return { id: replyId, jsonrpc: '2.0', error: INVALID_REQUEST };
    if (params !== undefined && !Array.isArray(params)) return { id: replyId, jsonrpc: '2.0', error: INVALID_REQUEST };
    try {
      const result = await call(method, (params as unknown[] | undefined) ?? [], ctx);
      return { id: replyId, jsonrpc: '2.0', result };
    } catch (error) {
      return { id: replyId, jsonrpc: '2.0', error: errorOf(error) };
    }
  }

  return {
    async handle(message, onAuthorized) {
      const ctx: Context = { onAuthorized };
      if (Array.isArray(message)) {
        // Calls of a batch run one after another: their effects must happen in the order sent.
        const replies: JsonRpcResponse[] = [];
        for (const entry of message) {
          const reply = await one(entry, ctx);
          if (reply) replies.push(reply);
        }
        return replies;
      }
      return one(message, ctx);
    },
  };
}

function errorOf(error: unknown): JsonRpcError {
  if (error instanceof RpcError) return { code: error.code, message: error.message };
  return { code: 1, message: error instanceof Error ? error.message : String(error) };
}
