// The Referer a page's own request carries under browsers' default policy
// (strict-origin-when-cross-origin): the whole page URL to its own origin, only the origin to
// another, nothing from https to http. A video's manifest is such a request; Ferry sends what
// the browser sent, not more of the page's address.
export function defaultReferrer(documentUrl: string | undefined, targetUrl: string): string | undefined {
  let from: URL;
  let to: URL;
  try {
    from = new URL(documentUrl ?? '');
    to = new URL(targetUrl);
  } catch {
    return undefined;
  }
  if (from.protocol !== 'http:' && from.protocol !== 'https:') return undefined;
  if (from.protocol === 'https:' && to.protocol === 'http:') return undefined;
  from.hash = '';
  from.username = '';
  from.password = '';
  return from.origin === to.origin ? from.toString() : `${from.origin}/`;
}
