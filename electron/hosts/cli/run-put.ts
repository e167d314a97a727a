// `ferry put`: uploads each file. A --tus upload continues an unfinished one of the same source
// to the same endpoint; raw and multipart restart from byte 0 anyway, so an unfinished earlier
// attempt is removed (with its staged copy) and the file is staged afresh.
import type { UploadRequest } from '../../engine/index';
import type { PutCommand } from './args';
import { findStaleUploads, findUnfinishedTusUpload } from './continue-match';
import { continueTransfer } from './continue-transfer';
import { refusalText } from './outcome';
import type { Session } from './session';

/** Header values go to the engine as secret references, so they never land in the records file. */
export interface HeaderSecrets {
  set(ref: string, value: string): void;
}

export async function enqueueUploads(command: PutCommand, urls: readonly string[], secrets: HeaderSecrets, session: Session): Promise<void> {
  const headers = headerRefs(command.headers, secrets);
  const taken = new Set<string>();
  for (const [index, sourcePath] of command.sources.entries()) {
    const url = urls[index]!;
    const key = { sourcePath, url };
    if (command.protocol === 'tus') {
      const earlier = findUnfinishedTusUpload(session.engine.list(), key, taken);
      if (earlier) {
        taken.add(earlier.id);
        session.track(await continueTransfer(session.engine, earlier), 'continuing an earlier tus upload from the server\'s offset');
        continue;
      }
    } else {
      for (const stale of findStaleUploads(session.engine.list(), key)) {
        await session.engine.remove(stale.id);
        session.reporter.info(`${stale.name}: an earlier unfinished upload restarts from byte 0`);
      }
    }
    const request: UploadRequest = { sourcePath, url, protocol: command.protocol, method: command.method, headers };
    if (command.fieldName !== undefined) request.fieldName = command.fieldName;
    if (Object.keys(command.fields).length > 0) request.fields = command.fields;
    try {
      const view = await session.engine.addUpload(request);
      taken.add(view.id);
      session.track(view);
    } catch (error) {
      session.refused++;
      session.reporter.error(`ferry: ${sourcePath}: ${refusalText(error)}`);
    }
  }
}

function headerRefs(headers: Record<string, string>, secrets: HeaderSecrets): Record<string, string> {
  const refs: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // Named after the header, so a later run of the same command provides the same reference.
    const ref = `cli-header-${name.toLowerCase()}`;
    secrets.set(ref, value);
    refs[name] = `secret:${ref}`;
  }
  return refs;
}
