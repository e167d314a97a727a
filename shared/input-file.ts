// aria2's input-file format (`aria2c -i FILE`), read as aria2 1.36 reads it: a line of URIs starts
// an entry (several URIs of one file separated by TAB: mirrors), lines that start with a space or a
// TAB hold one `name=value` option of the entry above (name and value trimmed), lines starting with
// `#` are comments, blank lines are skipped. A URI keeps its inner spaces (aria2 sends them as %20).
// Only the format here (shared: the window previews a file before it sends it); what the options
// mean is the host kit's business (kit/lists/listed-downloads.ts). No Node or DOM imports.

// The WHATWG URL parser of every runtime here; declared because shared/ has no Node or DOM types.
declare const URL: new (input: string) => { readonly protocol: string };

export interface InputOption {
  name: string;
  value: string;
  /** 1-based line number, for messages. */
  line: number;
}

export interface InputEntry {
  /** 1-based line of the URIs. */
  line: number;
  /** The URIs of the line: one file, from several mirrors when there are more than one. */
  uris: string[];
  options: InputOption[];
}

export interface LineProblem {
  line: number;
  message: string;
}

export interface InputFileParse {
  entries: InputEntry[];
  /** Indented lines that are not name=value (aria2 warns "Unknown option" and goes on). */
  ignored: number[];
  /** Lines that belong to no entry (an option line before any URL); aria2 takes them for URIs it cannot use. */
  problems: LineProblem[];
}

export function parseInputFile(text: string): InputFileParse {
  const entries: InputEntry[] = [];
  const ignored: number[] = [];
  const problems: LineProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '' || content.startsWith('#')) continue;
    if (content.startsWith(' ') || content.startsWith('\t')) {
      const entry = entries.at(-1);
      if (!entry) {
        problems.push({ line, message: `an option line (${content.trim().slice(0, 60)}) before any URL` });
        continue;
      }
      const option = content.trim();
      const eq = option.indexOf('=');
      if (option.startsWith('#') || eq <= 0) {
        ignored.push(line);
        continue;
      }
      entry.options.push({ name: option.slice(0, eq).trim(), value: option.slice(eq + 1).trim(), line });
      continue;
    }
    const uris = content
      .split('\t')
      .map((uri) => uri.trim())
      .filter((uri) => uri !== '');
    entries.push({ line, uris, options: [] });
  }
  return { entries, ignored, problems };
}

/** Why Ferry cannot download from `uri`; undefined when it can (http and https only). */
export function uriProblem(uri: string): string | undefined {
  let url: { protocol: string };
  try {
    url = new URL(uri);
  } catch {
    return `'${uri.slice(0, 80)}' is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `'${uri.slice(0, 80)}' is not an http or https URL (Ferry downloads those only)`;
  return undefined;
}

/** What a window shows before it imports a file: how many links, and the lines it could not read. */
export interface InputFilePreview {
  links: number;
  /** Lines Ferry cannot use: options before any URL, URLs it cannot download. */
  unreadable: LineProblem[];
}

export function previewInputFile(text: string): InputFilePreview {
  const parsed = parseInputFile(text);
  const unreadable = [...parsed.problems];
  let links = 0;
  for (const entry of parsed.entries) {
    const problem = entry.uris.map(uriProblem).find((p) => p !== undefined);
    if (problem) unreadable.push({ line: entry.line, message: problem });
    else links += 1;
  }
  unreadable.sort((a, b) => a.line - b.line);
  return { links, unreadable };
}

/** One entry to write: its URIs (mirrors after the first), its options in order, comments before it. */
export interface OutputEntry {
  uris: string[];
  options?: Array<[name: string, value: string]>;
  /** `# ` lines written just above the entry (why something was left out). */
  comments?: string[];
}

/**
 * Entries as aria2 input-file text: `aria2c -i` and `ferry get -i` read it back to the same
 * entries. Line breaks and TABs cannot be written inside a value, so such a value (and a URI with
 * one) is refused here rather than written as a different list.
 */
export function writeInputFile(entries: readonly OutputEntry[], header: readonly string[] = []): string {
  const out: string[] = header.map(comment);
  for (const entry of entries) {
    if (entry.uris.length === 0) throw new Error('an entry needs at least one URI');
    for (const uri of entry.uris) {
      if (/[\t\r\n]/.test(uri) || uri.trim() !== uri || uri === '' || uri.startsWith('#')) throw new Error(`cannot write the URI ${JSON.stringify(uri.slice(0, 80))} on one line`);
    }
    for (const note of entry.comments ?? []) out.push(comment(note));
    out.push(entry.uris.join('\t'));
    for (const [name, value] of entry.options ?? []) {
      if (!/^[A-Za-z0-9-]+$/.test(name)) throw new Error(`cannot write the option name ${JSON.stringify(name.slice(0, 40))}`);
      if (/[\r\n]/.test(value) || value.trim() !== value) throw new Error(`cannot write the value of ${name} on one line as it is`);
      out.push(`  ${name}=${value}`);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function comment(text: string): string {
  return `# ${text.replace(/[\r\n]+/g, ' ')}`;
}
