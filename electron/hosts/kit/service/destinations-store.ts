// Upload destinations (saved presets). Secret header values go to the SecretStore; the stored
// destination holds a reference ("secret:<ref>") in their place, and every UI sees SECRET_MASK.
// Editing a destination and sending the mask back keeps the secret already stored, but only
// while the URL keeps its scheme and origin: a client that never saw a secret must not be able
// to send it to another host (or downgrade it to plain http) by changing the URL.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { hasMaskedPassword, maskUrlPasswords, SECRET_MASK, sameOrigin, urlPassword, withUrlPassword } from '../../../../shared/secret-mask';
import { destinationSchema, type Destination, type DestinationInput } from '../../../../shared/settings';
import { isSecretRef, secretRefValue, SECRET_REF_PREFIX } from '../../../engine/index';
import type { JsonBacking } from './backing-store';
import type { SecretStore } from './secret-store';
import { setAside, setAsideNotice } from './set-aside';

export interface DestinationsStore {
  /** As UIs may see them: secret values masked. */
  list(): Destination[];
  /** As stored: secret header values are "secret:<ref>" references for the engine to resolve. */
  getStored(id: string): Destination | undefined;
  create(input: DestinationInput): Promise<Destination>;
  update(id: string, input: DestinationInput): Promise<Destination>;
  delete(id: string): Promise<void>;
  /** What was wrong with the stored destinations at start: for the hosts' notices. */
  readonly problems: readonly string[];
}

/** A readable refusal: the service turns it into an error reply. */
export class DestinationError extends Error {
  constructor(readonly code: 'NOT_FOUND' | 'INVALID_INPUT', message: string) {
    super(message);
    this.name = 'DestinationError';
  }
}

export function secretRefFor(destinationId: string, headerName: string): string {
  return `destination.${destinationId}.${headerName.toLowerCase()}`;
}

const storedList = z.array(destinationSchema);

export function createDestinationsStore(backing: JsonBacking, secrets: SecretStore): DestinationsStore {
  const problems = [...(backing.problems ?? [])];

  function readAll(): Destination[] {
    const parsed = storedList.safeParse(backing.store.destinations ?? []);
    if (parsed.success) return parsed.data;
    // Keep whatever entries are still valid rather than losing them all.
    const raw = Array.isArray(backing.store.destinations) ? backing.store.destinations : [];
    return raw.flatMap((d) => {
      const one = destinationSchema.safeParse(d);
      return one.success ? [one.data] : [];
    });
  }

  // Invalid entries would vanish with the next write: the file as it was is copied aside first.
  const raw = backing.store.destinations;
  const valid = readAll();
  const invalid = raw === undefined ? 0 : Array.isArray(raw) ? raw.length - valid.length : 1;
  if (invalid > 0) {
    const aside = backing.path ? setAside(backing.path, 'copy') : undefined;
    const what = `has ${invalid} invalid ${invalid === 1 ? 'destination' : 'destinations'}`;
    problems.push(setAsideNotice(backing.path ?? 'destinations.json', aside, what, `the ${valid.length} valid ones`));
    if (aside) backing.store = { ...backing.store, destinations: valid };
  }

  function writeAll(list: Destination[]): void {
    backing.store = { ...backing.store, destinations: list };
  }

  /** Moves secret values into the secret store; returns the headers to persist. */
  async function storeHeaders(id: string, input: DestinationInput, before?: Destination): Promise<Destination['headers']> {
    const headers: Destination['headers'] = [];
    const seen = new Set<string>();
    for (const header of input.headers) {
      if (!header.secret) {
        if (header.value.startsWith(SECRET_REF_PREFIX)) {
          throw new DestinationError('INVALID_INPUT', `Header ${header.name}: values starting with "${SECRET_REF_PREFIX}" are reserved`);
        }
        headers.push(header);
        continue;
      }
      const lower = header.name.toLowerCase();
      if (seen.has(lower)) throw new DestinationError('INVALID_INPUT', `Secret header ${header.name} is listed twice`);
      seen.add(lower);
      const ref = secretRefFor(id, header.name);
      if (header.value === SECRET_MASK) {
        if (!secrets.has(ref)) throw new DestinationError('INVALID_INPUT', `Type the value of the secret header ${header.name}`);
        if (before && !sameOrigin(before.url, input.url)) {
          throw new DestinationError(
            'INVALID_INPUT',
            `The URL now points to ${originOf(input.url)} instead of ${originOf(before.url)}: type the value of the secret header ${header.name} again (a saved secret only goes to the address it was saved for)`,
          );
        }
      } else {
        await secrets.set(ref, header.value);
      }
      headers.push({ ...header, value: secretRefValue(ref) });
    }
    return headers;
  }

  async function dropUnusedSecrets(before: Destination | undefined, after: Destination | undefined): Promise<void> {
    const keep = new Set(after?.headers.filter((h) => h.secret).map((h) => h.value) ?? []);
    for (const header of before?.headers ?? []) {
      if (header.secret && isSecretRef(header.value) && !keep.has(header.value)) {
        await secrets.delete(header.value.slice(SECRET_REF_PREFIX.length));
      }
    }
  }

  return {
    problems,
    list: () => readAll().map(masked),
    getStored: (id) => readAll().find((d) => d.id === id),
    async create(input) {
      const id = randomUUID();
      const url = urlToStore(input.url, undefined);
      const destination = destinationSchema.parse({ ...input, id, url, headers: await storeHeaders(id, input) });
      writeAll([...readAll(), destination]);
      return masked(destination);
    },
    async update(id, input) {
      const all = readAll();
      const index = all.findIndex((d) => d.id === id);
      if (index < 0) throw new DestinationError('NOT_FOUND', `No destination with id ${id}`);
      const url = urlToStore(input.url, all[index]);
      const destination = destinationSchema.parse({ ...input, id, url, headers: await storeHeaders(id, input, all[index]) });
      await dropUnusedSecrets(all[index], destination);
      writeAll(all.map((d, i) => (i === index ? destination : d)));
      return masked(destination);
    },
    async delete(id) {
      const all = readAll();
      const gone = all.find((d) => d.id === id);
      if (!gone) throw new DestinationError('NOT_FOUND', `No destination with id ${id}`);
      writeAll(all.filter((d) => d.id !== id));
      await dropUnusedSecrets(gone, undefined);
    },
  };
}

function masked(destination: Destination): Destination {
  return {
    ...destination,
    url: maskUrlPasswords(destination.url),
    headers: destination.headers.map((h) => (h.secret ? { ...h, value: SECRET_MASK } : h)),
  };
}

/**
 * A password in the URL is a secret too: UIs see it masked, and the mask sent back keeps the
 * stored password under the same rule as secret headers (same scheme and origin only).
 */
function urlToStore(sent: string, before: Destination | undefined): string {
  if (!hasMaskedPassword(sent)) return sent;
  const kept = before ? urlPassword(before.url) : undefined;
  if (!before || kept === undefined) throw new DestinationError('INVALID_INPUT', 'Type the password in the URL');
  if (!sameOrigin(before.url, sent)) {
    throw new DestinationError(
      'INVALID_INPUT',
      `The URL now points to ${originOf(sent)} instead of ${originOf(before.url)}: type the password in the URL again (a saved secret only goes to the address it was saved for)`,
    );
  }
  return withUrlPassword(sent, kept);
}

function originOf(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host}`;
  } catch {
    return 'an unreadable address';
  }
}
