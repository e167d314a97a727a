// `ferry rules list|add|remove|move|enable|disable`: argv into a command, or a usage error. Pure, as
// args.ts; what the rules say is checked by the shared schema where they are saved (rules.ts).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseRate } from './rate';

export type RulesAction =
  | { action: 'list' }
  | { action: 'add'; rule: RuleOptions; position?: number }
  | { action: 'remove' | 'enable' | 'disable'; name: string }
  | { action: 'move'; name: string; position: number };

export interface RuleOptions {
  name: string;
  fileTypes: string[];
  mimeTypes: string[];
  sites: string[];
  urlPattern?: string;
  folder: string;
  connections?: number;
  speedLimit?: number;
  startPaused?: boolean;
}

export type RulesCommand = { kind: 'rules'; dataDir: string } & RulesAction;

export class RulesUsageError extends Error {}

export const RULES_OPTIONS = {
  'data-dir': { type: 'string' },
  name: { type: 'string' },
  match: { type: 'string', multiple: true },
  mime: { type: 'string', multiple: true },
  site: { type: 'string', multiple: true },
  'url-pattern': { type: 'string' },
  dir: { type: 'string', short: 'd' },
  connections: { type: 'string', short: 'x' },
  limit: { type: 'string' },
  paused: { type: 'boolean' },
  to: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const ACTIONS = ['list', 'add', 'remove', 'move', 'enable', 'disable'] as const;

/** Parsed rules arguments; `dataDir` is the --data-dir text as given (args.ts resolves it). */
export function parseRulesArgs(args: string[], home: string): { help: true } | (RulesAction & { dataDirText: string | undefined }) {
  const { values, positionals } = parseArgs({ args, options: RULES_OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return { help: true };
  const [action = 'list', name, ...extra] = positionals;
  if (!(ACTIONS as readonly string[]).includes(action)) throw new RulesUsageError(`unknown rules action '${action}' (list, add, remove, move, enable, disable)`);
  const dataDirText = values['data-dir'];
  if (action === 'list') {
    if (name !== undefined) throw new RulesUsageError(`rules list takes no arguments (got '${name}')`);
    return { action, dataDirText };
  }
  if (action === 'add') {
    if (name !== undefined) throw new RulesUsageError(`rules add takes its name with --name (got '${name}')`);
    const rule = ruleOptions(values, home);
    const position = values.to !== undefined ? positionOption(values.to) : undefined;
    return { action, rule, ...(position !== undefined ? { position } : {}), dataDirText };
  }
  if (name === undefined || name.trim() === '') throw new RulesUsageError(`rules ${action} needs the rule's name`);
  if (extra.length > 0) throw new RulesUsageError(`rules ${action} takes one name (got '${extra[0]}' too)`);
  if (action === 'move') {
    if (values.to === undefined) throw new RulesUsageError('rules move needs --to N (1 is the first rule)');
    return { action, name, position: positionOption(values.to), dataDirText };
  }
  return { action: action as 'remove' | 'enable' | 'disable', name, dataDirText };
}

type Values = ReturnType<typeof parseArgs<{ options: typeof RULES_OPTIONS; allowPositionals: true; strict: true }>>['values'];

function ruleOptions(values: Values, home: string): RuleOptions {
  const name = values.name?.trim();
  if (!name) throw new RulesUsageError('rules add needs --name NAME');
  const folder = values.dir?.trim();
  if (!folder) throw new RulesUsageError('rules add needs --dir FOLDER (a full path, or a folder inside the download folder, like Images)');
  const fileTypes = listOption(values.match);
  const mimeTypes = listOption(values.mime);
  const sites = listOption(values.site);
  const urlPattern = values['url-pattern']?.trim() || undefined;
  if (fileTypes.length + mimeTypes.length + sites.length === 0 && urlPattern === undefined) {
    throw new RulesUsageError('rules add needs something to match: --match, --mime, --site or --url-pattern');
  }
  const rule: RuleOptions = { name, fileTypes, mimeTypes, sites, folder: folder === '~' || folder.startsWith('~/') ? home + folder.slice(1) : folder };
  if (urlPattern !== undefined) rule.urlPattern = urlPattern;
  if (values.connections !== undefined) {
    const count = Number(values.connections);
    if (!/^\d+$/.test(values.connections.trim()) || count < 1 || count > 32) throw new RulesUsageError(`--connections must be a whole number from 1 to 32 (got '${values.connections}')`);
    rule.connections = count;
  }
  if (values.limit !== undefined) {
    const rate = parseRate(values.limit);
    if (rate === null) throw new RulesUsageError(`--limit must be a rate such as 500K, 2M or 1.5MB/s (got '${values.limit}')`);
    rule.speedLimit = rate;
  }
  if (values.paused) rule.startPaused = true;
  return rule;
}

/** `--match '*.iso,*.img' --match iso`: comma-separated, repeatable. */
function listOption(given: string[] | undefined): string[] {
  return (given ?? []).flatMap((text) => text.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

function positionOption(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1) throw new RulesUsageError(`--to must be a position, 1 for the first rule (got '${text}')`);
  return n;
}
