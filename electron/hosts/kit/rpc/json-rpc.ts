// JSON-RPC 2.0 as aria2 speaks it: single calls and batches, `token:SECRET` as the first param of
// every aria2.* call (and of every call inside system.multicall), failures as code 1 with a message.
// Only system.listMethods and system.listNotifications answer without the secret, as in aria2.
// Ferry's limits (aria2 has none): 1,000 calls in a batch or a multicall, and a message without
// the secret holds at most 16 calls, so a page without it makes Ferry do next to nothing.
import { maskUrlPasswords } from '../../../../shared/secret-mask';
import { NOTIFICATIONS, type MethodTable } from './methods';
import { RpcError } from './rpc-error';
import { carriesToken, type MessageInspection } from './secret-check';

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

export const MAX_BATCH_CALLS = 1000;
export const MAX_MULTICALL_CALLS = 1000;
export const MAX_CALLS_WITHOUT_SECRET = 16;

export interface Dispatcher {
  /** One parsed JSON message (a call or a batch), judged by inspectMessage → what to send back (undefined: nothing). */
  handle(message: unknown, judged: MessageInspection): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined>;
}

export function createDispatcher(table: MethodTable): Dispatcher {
  const discovery = new Map<string, () => unknown>([
    ['system.listMethods', () => [...table.methods.keys(), 'system.multicall', 'system.listMethods', 'system.listNotifications']],
    ['system.listNotifications', () => [...NOTIFICATIONS]],
  ]);
  type Context = { authorised: boolean };

  /** Runs one method call; throws RpcError. */
  async function call(method: string, params: unknown[], ctx: Context): Promise<unknown> {
    // Own entries of Maps only: "toString" or "constructor" name no method.
    const discover = discovery.get(method);
    if (discover) return discover();
    if (method === 'system.multicall') return multicall(params, ctx);
    // aria2 checks the secret before it looks the method up. The message's verdict covers every
    // token in it: a call is authorised when it carries one and none in the message was wrong.
    if (!ctx.authorised || !carriesToken(params)) throw new RpcError('Unauthorized');
    const impl = table.methods.get(method);
    if (!impl) throw new RpcError(`No such method: ${method}`);
    return impl(params.slice(1));
  }

  async function multicall(params: unknown[], ctx: Context): Promise<unknown[]> {
    const [calls] = params;
    if (!Array.isArray(calls)) throw new RpcError('system.multicall expected an array of structs');
    if (calls.length > MAX_MULTICALL_CALLS) throw new RpcError(`system.multicall takes at most ${MAX_MULTICALL_CALLS} calls`);
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
    async handle(message, judged) {
      const ctx: Context = { authorised: judged.verdict === 'right' };
      if (!ctx.authorised && judged.calls > MAX_CALLS_WITHOUT_SECRET) {
        return { id: null, jsonrpc: '2.0', error: { code: 1, message: `Unauthorized: without the secret a message may hold at most ${MAX_CALLS_WITHOUT_SECRET} calls` } };
      }
      if (Array.isArray(message)) {
        if (message.length > MAX_BATCH_CALLS) {
          return { id: null, jsonrpc: '2.0', error: { ...INVALID_REQUEST, message: `Invalid Request: a batch holds at most ${MAX_BATCH_CALLS} calls` } };
        }
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
  const { code, message } = error instanceof RpcError ? error : { code: 1, message: error instanceof Error ? error.message : String(error) };
  // Engine messages may quote a URL with its password.
  return { code, message: maskUrlPasswords(message) };
}
