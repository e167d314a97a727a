// aria2's input-file format (`aria2c -i FILE`), read as aria2 1.36 reads it: a line of URIs starts
// an entry (several URIs of one file separated by TAB: mirrors), lines that start with a space or a
// TAB hold one `name=value` option of the entry above (name and value trimmed), lines starting with
// `#` are comments, blank lines are skipped. A URI keeps its inner spaces (aria2 sends them as %20).
// Only the format here: what the options mean is download-list.ts's business.

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

export type InputFileParse =
  | {
      ok: true;
      entries: InputEntry[];
      /** Indented lines that are not name=value (aria2 warns "Unknown option" and goes on). */
      ignored: number[];
    }
  | { ok: false; line: number; message: string };

export function parseInputFile(text: string): InputFileParse {
  const entries: InputEntry[] = [];
  const ignored: number[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '' || content.startsWith('#')) continue;
    if (content.startsWith(' ') || content.startsWith('\t')) {
      const entry = entries.at(-1);
      // aria2 takes such a line for a URI it cannot use; an option of no entry is a mistake worth naming.
      if (!entry) return { ok: false, line, message: `an option line (${content.trim().slice(0, 60)}) before any URL` };
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
  return { ok: true, entries, ignored };
}
