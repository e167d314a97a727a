// Where an uploaded file goes, for every front: `ferry put`, a saved destination's uploads (the
// engine, at each attempt) and the destination editor's preview. `{filename}` is replaced by the
// URL-encoded file name; without it, a raw upload (a PUT or POST of the bare file, as to WebDAV)
// to a URL ending in `/` lands under the file's name in that folder, as `curl -T file URL/` does.
// A multipart form or a tus endpoint ending in `/` is an address of its own (tus servers live at
// `/files/`), so their URL is used as it is. No Node or DOM imports (URL is in both).
import type { UploadProtocol } from './transfer';

// The WHATWG URL parser every runtime here has (Node, Chromium); declared because shared/ is
// compiled without DOM or Node types (as in secret-mask.ts).
declare const URL: new (input: string) => { pathname: string; readonly href: string };

export function uploadTargetUrl(template: string, fileName: string, protocol: UploadProtocol): string {
  const name = encodeURIComponent(fileName);
  if (template.includes('{filename}')) return template.split('{filename}').join(name);
  if (protocol !== 'raw') return template;
  let url: { pathname: string; readonly href: string };
  try {
    url = new URL(template);
  } catch {
    return template; // said as "not a valid upload URL" by whoever sends to it
  }
  if (!url.pathname.endsWith('/')) return template;
  url.pathname += name;
  return url.href;
}
