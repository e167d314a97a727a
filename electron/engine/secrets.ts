// Secret header values (API tokens, passwords, a download's cookies) never live in the records
// file: a request holds a reference ("secret:<ref>") and the worker resolves it at attempt time.
// The Electron host backs this with safeStorage; tests and the CLI use the in-memory provider below.

export interface SecretsProvider {
  /** The clear value for a reference; rejects when the reference is unknown. */
  resolve(ref: string): Promise<string>;
}

/** A store the engine may also write: where it keeps download header values (download-header-secrets.ts). */
export interface SecretVault extends SecretsProvider {
  set(ref: string, value: string): void | Promise<void>;
  delete(ref: string): void | Promise<void>;
  /** Every reference stored. */
  refs(): string[];
}

/** Header values starting with this prefix are references, not values. */
export const SECRET_REF_PREFIX = 'secret:';

export function isSecretRef(headerValue: string): boolean {
  return headerValue.startsWith(SECRET_REF_PREFIX);
}

export function secretRefValue(ref: string): string {
  return SECRET_REF_PREFIX + ref;
}

export class UnknownSecretError extends Error {
  constructor(readonly ref: string) {
    super(`No stored secret named "${ref}"`);
    this.name = 'UnknownSecretError';
  }
}

/** Plain in-memory secrets for tests and the CLI (values typed on the command line stay in memory). */
export class MemorySecretsProvider implements SecretVault {
  private readonly values = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [ref, value] of Object.entries(initial)) this.values.set(ref, value);
  }

  set(ref: string, value: string): void {
    this.values.set(ref, value);
  }

  delete(ref: string): void {
    this.values.delete(ref);
  }

  refs(): string[] {
    return [...this.values.keys()];
  }

  async resolve(ref: string): Promise<string> {
    const value = this.values.get(ref);
    if (value === undefined) throw new UnknownSecretError(ref);
    return value;
  }
}
