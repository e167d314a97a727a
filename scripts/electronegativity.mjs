// Runs @doyensec/electronegativity over electron/ and renderer/ and fails on any finding above
// LOW. Both folders are scanned as one app (copied side by side into a temp folder), because the
// tool's global checks (CSP, navigation limits, permission handler) judge the app as a whole:
// the renderer alone has none of them by design, the main process sets them. The tool itself always exits 0, so its reports are what count. Each folder is scanned
// twice at once: in full with a CSV report (the summary and the details), and with `-s MEDIUM`,
// whose printed table is the verdict. Why both: the tool writes the CSV header and rows with two
// racing async writes, so the header overwrites the start of the first row and that row's
// severity is lost; the `-s` filter only applies to the printed table, not to the files.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ELECTRON_VERSION = '41.0.0'; // passed so the tool does not guess from the network
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['electron', 'renderer'];
const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electronegativity.cmd' : 'electronegativity');
const work = mkdtempSync(path.join(os.tmpdir(), 'ferry-eneg-'));

/** Runs one scan; resolves to what it printed, ANSI colours removed. */
function scan(dir, extraArgs) {
  const args = ['-i', dir, '-r', '-v', 'false', '-e', ELECTRON_VERSION, ...extraArgs];
  return new Promise((resolve, reject) => {
    // English messages, so the "no issues" line below can be recognised.
    const env = { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' };
    const child = spawn(bin, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (c) => (log += c));
    child.stderr.on('data', (c) => (log += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = log.replace(/\x1b\[[0-9;]*m/g, '');
      if (code === 0) resolve(text);
      else reject(new Error(`electronegativity exited ${code}:\n${text}`));
    });
  });
}

/** The verdict from the `-s MEDIUM` table: how many findings it lists (null: unreadable). */
function countAboveLow(printed) {
  if (printed.includes('No issues were found.')) return 0;
  const n = (printed.match(/\b(MEDIUM|HIGH) \| /g) ?? []).length;
  return n > 0 ? n : null;
}

/** Minimal RFC 4180 reader (quoted fields may hold commas and line breaks). */
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

/** Findings from a report; the check id is recovered from the wiki URL when a row is mangled. */
function readFindings(file) {
  const rows = parseCsv(readFileSync(file, 'utf8')).slice(1).filter((r) => r.some((f) => f.trim() !== ''));
  return rows.map((r) => {
    const url = r[r.length - 1] ?? '';
    const id = /^[A-Z_]+$/.test(r[0]?.trim() ?? '') ? r[0].trim() : (url.match(/wiki\/([A-Z_]+)/)?.[1] ?? 'UNKNOWN');
    const wellFormed = r.length >= 8;
    return {
      id,
      severity: wellFormed ? r[1].trim() : 'UNKNOWN',
      file: wellFormed ? r[3].trim() : '?',
      location: wellFormed ? r[4].trim() : '?',
      description: wellFormed ? r[6].trim() : '(row mangled by the tool)',
    };
  });
}

let failures = 0;
try {
  const app = path.join(work, 'app');
  for (const folder of folders) {
    const source = path.resolve(root, folder);
    cpSync(source, path.join(app, path.basename(source)), {
      recursive: true,
      filter: (src) => !/(^|[\\/])(node_modules|dist)([\\/]|$)/.test(path.relative(source, src)),
    });
  }
  {
    const dir = app;
    const csv = path.join(work, 'report.csv');
    const [, printed] = await Promise.all([scan(dir, ['-o', csv]), scan(dir, ['-s', 'MEDIUM'])]);
    const all = readFindings(csv);
    const aboveLow = countAboveLow(printed);
    const counts = {};
    for (const f of all) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
    const summary = Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ') || 'no findings';
    console.log(`electronegativity ${folders.join('/ + ')}/: ${summary}; above LOW: ${aboveLow ?? 'unreadable'}`);
    for (const f of all) {
      const serious = f.severity === 'MEDIUM' || f.severity === 'HIGH' || (f.severity === 'UNKNOWN' && aboveLow !== 0);
      console.log(`  ${serious ? 'FAIL' : 'note'} ${f.id} ${f.severity} ${f.file}:${f.location} ${f.description}`);
    }
    if (aboveLow === null) console.log(printed);
    failures += aboveLow ?? 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(failures === 0 ? 'electronegativity: passed (nothing above LOW)' : `electronegativity: FAILED, ${failures} finding(s) above LOW`);
process.exit(failures === 0 ? 0 : 1);
