// A method's failure as aria2 reports it (code 1 and a message), and the checks of its params.
export class RpcError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

export function keysParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((k) => typeof k === 'string')) throw new RpcError('keys must be an array of strings');
  return value as string[];
}

export function intParam(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new RpcError(`${name} must be an integer`);
  return value;
}
