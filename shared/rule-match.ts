// Which rule files a download, and where: the one decision the add dialog shows, the service applies
// when a download is added, and the engine asks again once the final name is known (after redirects
// and Content-Disposition). Pure, no Node or DOM: every front uses this module.
import type { DownloadRule } from './download-rules';

// WHATWG URL: in every runtime this module runs in (Node, the renderer), though shared/ compiles without their types.
declare const URL: new (url: string) => { hostname: string; pathname: string };

/** What a download is known by when a rule is chosen. */
export interface RuleFacts {
  /** The file's name: the final one when the engine asks, else the URL's or the one given. */
  fileName: string;
  /** The response's Content-Type, when there was one. */
  mimeType?: string;
  url: string;
  /** Where the redirects ended, when known: a rule's site or URL pattern may match either. */
  finalUrl?: string;
}

export interface RuleChoice {
  rule: DownloadRule;
  /** The rule's folder made absolute: a relative one is inside the download folder. */
  folder: string;
}

/** The first enabled rule that matches, with its folder; undefined when none does. */
export function chooseRule(rules: readonly DownloadRule[], downloadDirectory: string, facts: RuleFacts): RuleChoice | undefined {
  const rule = rules.find((r) => r.enabled && ruleMatches(r, facts));
  return rule ? { rule, folder: ruleFolder(rule.folder, downloadDirectory) } : undefined;
}

/**
 * Every criterion the rule names must hold; its file types and MIME types together are one
 * criterion (either may say what kind of file it is).
 */
export function ruleMatches(rule: DownloadRule, facts: RuleFacts): boolean {
  const urls = [facts.url, ...(facts.finalUrl && facts.finalUrl !== facts.url ? [facts.finalUrl] : [])];
  const typed = rule.fileTypes.length + rule.mimeTypes.length > 0;
  if (typed && !rule.fileTypes.some((t) => nameMatches(t, facts.fileName)) && !rule.mimeTypes.some((m) => mimeMatches(m, facts.mimeType))) return false;
  if (rule.sites.length > 0 && !urls.some((url) => rule.sites.some((site) => hostMatches(site, hostOf(url))))) return false;
  if (rule.urlPattern !== undefined && !urls.some((url) => globMatches(rule.urlPattern!, url))) return false;
  return typed || rule.sites.length > 0 || rule.urlPattern !== undefined;
}

/** `iso`, `.iso` and `*.iso` all mean "ends in .iso"; a pattern with `*` elsewhere is matched as a whole. */
export function nameMatches(fileType: string, fileName: string): boolean {
  const type = fileType.trim().toLowerCase();
  const name = fileName.toLowerCase();
  if (type === '') return false;
  if (!type.includes('*')) return name.endsWith(type.startsWith('.') ? type : `.${type}`);
  return globMatches(type, name);
}

function mimeMatches(pattern: string, mimeType: string | undefined): boolean {
  if (!mimeType) return false;
  const essence = mimeType.split(';')[0]!.trim().toLowerCase();
  const wanted = pattern.trim().toLowerCase();
  return wanted.includes('*') ? globMatches(wanted, essence) : essence === wanted;
}

/** `example.com` is that host and its subdomains; `*.example.com` and `.example.com` say the same. */
export function hostMatches(site: string, host: string | undefined): boolean {
  if (!host) return false;
  const wanted = site.trim().toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '');
  const actual = host.toLowerCase().replace(/\.$/, '');
  return wanted !== '' && (actual === wanted || actual.endsWith(`.${wanted}`));
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/** `*` is any run of characters; everything else stands for itself; the whole text must match. */
export function globMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is').test(text);
}

/** A rule's folder as a full path: relative ones go inside the download folder, in its spelling. */
export function ruleFolder(folder: string, downloadDirectory: string): string {
  if (/^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(folder)) return folder;
  const windows = /^[A-Za-z]:[\\/]|^\\\\/.test(downloadDirectory);
  const sep = windows ? '\\' : '/';
  const base = downloadDirectory.replace(/[\\/]+$/, '') || sep;
  const parts = folder.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  return parts.length === 0 ? downloadDirectory : `${base === sep ? '' : base}${sep}${parts.join(sep)}`;
}

/** The name a URL suggests before any response (the add dialog's guess; the engine decides later). */
export function fileNameOfUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
    return decodeURIComponent(last);
  } catch {
    return '';
  }
}
