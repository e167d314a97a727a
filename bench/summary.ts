// The one table `npm run bench` ends with: every row of issue 9's benchmark, its target, what this
// run measured and PASS/MISS; and docs/benchmarks.md, where that table is kept with its date and
// machine. Only the part between the markers is rewritten, so the notes around it stay.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Machine } from './machine';
import { table, type Verdict } from './report';

export const DOC_PATH = path.resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md');
const START = '<!-- bench:start (written by npm run bench) -->';
const END = '<!-- bench:end -->';

/** Row number (1-6) from a verdict: its own, or the "(n) " its target starts with. */
function split(verdict: Verdict): { row: string; target: string } {
  const m = /^\((\d)\) (.*)$/.exec(verdict.target);
  if (verdict.row !== undefined) return { row: String(verdict.row), target: verdict.target };
  return m ? { row: m[1]!, target: m[2]! } : { row: '-', target: verdict.target };
}

function result(verdict: Verdict): string {
  return verdict.pass === null ? 'not measured' : verdict.pass ? 'PASS' : 'MISS';
}

function cells(verdicts: readonly Verdict[]): string[][] {
  return verdicts
    .map((v) => ({ v, ...split(v) }))
    .sort((a, b) => a.row.localeCompare(b.row))
    .map(({ v, row, target }) => [row, target, v.measured, result(v)]);
}

export function summaryText(verdicts: readonly Verdict[]): string {
  return table(['row', 'target', 'measured in this run', 'result'], cells(verdicts));
}

export function machineLine(machine: Machine, loadAtEnd: string): string {
  return (
    `${machine.date}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.kernel}, ` +
    `${machine.fileSystem} under .bench/, node ${machine.node}; ${machine.tools}. ` +
    `Load average (1/5/15 min) at start ${machine.loadAtStart}, at end ${loadAtEnd}.`
  );
}

function markdownTable(verdicts: readonly Verdict[]): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| row | target | measured in this run | result |', '|---|---|---|---|'];
  for (const row of cells(verdicts)) lines.push(`| ${row.map(escape).join(' | ')} |`);
  return lines.join('\n');
}

/** Replaces the generated block of docs/benchmarks.md (or appends one) with this run. */
export async function writeDoc(verdicts: readonly Verdict[], machine: Machine, loadAtEnd: string, settings: string, details: string): Promise<void> {
  const block = [
    START,
    `Last full run: ${machineLine(machine, loadAtEnd)}`,
    '',
    `Settings: ${settings}.`,
    '',
    markdownTable(verdicts),
    '',
    '<details><summary>Every measurement of this run (as printed by npm run bench)</summary>',
    '',
    '```text',
    details.trim(),
    '```',
    '',
    '</details>',
    END,
  ].join('\n');
  const old = await readFile(DOC_PATH, 'utf8').catch(() => '# Benchmarks\n\n');
  const start = old.indexOf(START);
  const end = old.indexOf(END);
  const next = start >= 0 && end > start ? old.slice(0, start) + block + old.slice(end + END.length) : `${old.trimEnd()}\n\n${block}\n`;
  await writeFile(DOC_PATH, next);
}
