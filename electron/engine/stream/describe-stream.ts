// "Describe this stream": what a URL is before it is added, for the add dialog's quality choice.
// One request (the manifest; never a segment, a media playlist or a DASH index), read only when its
// type or first bytes say manifest, bounded in size and time; the variants come from the same
// parsers the planners use (hls-parser, mpd-parser) and are ordered as variant-choice picks "best".
import type { Agent } from 'node:http';
import * as HLS from 'hls-parser';
import type { MasterPlaylist } from 'hls-parser/types';
import { parse as parseMpd } from 'mpd-parser';
import type { StreamDescription, StreamKind, StreamVariant } from '../../../shared/stream';
import { failure } from '../download/failures';
import { header, openDownloadStream } from '../download/http-request';
import { assertHttpUrl } from '../url-check';
import { isVagueContentType, kindFromBody, kindFromContentType, MAX_MANIFEST_BYTES, SNIFF_BYTES } from './manifest-sniff';
import { headersFor, labelled, requireOk } from './stream-http';
import { describeVariant } from './stream-plan';

// As the planner reads playlists (hls-plan.ts): leniently.
HLS.setOptions({ strictMode: false, silent: true });

export interface DescribeOptions {
  /** The engine's way to the network for this URL (its proxy setting). */
  agent?: Agent;
  /** Each phase before the body, and the whole read: a slow server gets an answer, not a hang. */
  timeoutMs: number;
  /** Manifests larger than this are refused (the planner's own limit by default). */
  maxBytes?: number;
}

const NOT_A_STREAM: StreamDescription = { kind: null, variants: [] };

export async function describeStream(url: string, options: DescribeOptions): Promise<StreamDescription> {
  assertHttpUrl(url);
  const signal = AbortSignal.timeout(options.timeoutMs);
  const what = `The address ${url}`;
  let opened;
  try {
    opened = await openDownloadStream(url, headersFor(url, undefined), signal, options.timeoutMs, options.agent);
  } catch (error) {
    throw signal.aborted ? failure('STALLED', `${what} did not answer within ${Math.round(options.timeoutMs / 1000)} s`, true) : error;
  }
  await requireOk(opened, what);
  const contentType = header(opened, 'content-type');
  const declared = kindFromContentType(contentType);
  if (!declared && !isVagueContentType(contentType)) {
    opened.stream.destroy();
    return NOT_A_STREAM;
  }
  const text = await readManifest(opened.stream, declared, options.maxBytes ?? MAX_MANIFEST_BYTES, what, signal);
  if (text === undefined) return NOT_A_STREAM;
  const kind = declared ?? kindFromBody(text);
  if (!kind) return NOT_A_STREAM;
  // A plain extended M3U (a radio list) begins with #EXTM3U too; an HLS playlist always has EXT-X tags.
  if (!declared && kind === 'hls' && !text.includes('#EXT-X-')) return NOT_A_STREAM;
  return { kind, variants: variantsOf(kind, text, opened.finalUrl) };
}

/**
 * The body as text; undefined when a vaguely typed body does not begin as a manifest (then the rest
 * of it, perhaps gigabytes, is never read).
 */
async function readManifest(stream: NodeJS.ReadableStream & { destroy(): void }, declared: StreamKind | undefined, max: number, what: string, signal: AbortSignal): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let sniffed = declared !== undefined;
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Buffer;
      chunks.push(bytes);
      size += bytes.length;
      if (size > max) throw failure('UNSUPPORTED_STREAM', `${what} serves more than ${max} bytes: too large to be a manifest`, false);
      if (!sniffed && size >= SNIFF_BYTES) {
        if (!kindFromBody(Buffer.concat(chunks))) return undefined;
        sniffed = true;
      }
    }
  } catch (error) {
    if (signal.aborted) throw failure('STALLED', `${what} was not read within its time limit`, true);
    throw error;
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

function variantsOf(kind: StreamKind, text: string, url: string): StreamVariant[] {
  const found = kind === 'hls' ? hlsVariants(text, url) : dashVariants(text, url);
  return found
    .sort((a, b) => b.bandwidth - a.bandwidth || area(b) - area(a))
    .map((v) => ({ label: describeVariant(v), bandwidth: v.bandwidth, ...(v.width && v.height ? { width: v.width, height: v.height } : {}) }));
}

type Candidate = Omit<StreamVariant, 'label'>;

function area(v: Candidate): number {
  return (v.width ?? 0) * (v.height ?? 0);
}

/** A master playlist's variants (I-frame-only ones are no choice); a media playlist offers none to choose. */
function hlsVariants(text: string, url: string): Candidate[] {
  let playlist;
  try {
    playlist = HLS.parse(text);
  } catch (error) {
    throw labelled(failure('UNSUPPORTED_STREAM', `it cannot be read: ${(error as Error).message}`, false), `The HLS playlist at ${url}`);
  }
  if (!playlist.isMasterPlaylist) return [];
  return (playlist as MasterPlaylist).variants
    .filter((v) => !v.isIFrameOnly && v.uri)
    .map((v) => ({ bandwidth: v.bandwidth ?? 0, ...(v.resolution ? { width: v.resolution.width, height: v.resolution.height } : {}) }));
}

/** The video representations (audio is taken best, as the planner does). */
function dashVariants(text: string, url: string): Candidate[] {
  try {
    return parseMpd(text, { manifestUri: url }).playlists.map((p) => ({
      bandwidth: p.attributes.BANDWIDTH ?? 0,
      ...(p.attributes.RESOLUTION ? { width: p.attributes.RESOLUTION.width, height: p.attributes.RESOLUTION.height } : {}),
    }));
  } catch (error) {
    throw labelled(failure('UNSUPPORTED_STREAM', `it cannot be read: ${(error as Error).message}`, false), `The DASH manifest at ${url}`);
  }
}
