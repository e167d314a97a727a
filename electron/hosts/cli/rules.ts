// `ferry rules`: the rules of the data folder's settings (the same ones Settings › Rules shows). When
// a Ferry runs on the data folder the change goes through its local channel, so it applies at once
// and is checked there; else this command takes the data folder's lock and writes the settings file
// as the hosts do, with the same checks (a rule's folder is a download folder: never one the OS runs
// files from).
import os from 'node:os';
import path from 'node:path';
import type { DownloadRule } from '../../../shared/download-rules';
import { ruleFolder } from '../../../shared/rule-match';
import type { Settings } from '../../../shared/settings';
import { formatSpeed } from '../../../shared/format-size';
import { EXIT_FAILED, EXIT_OK } from './outcome';
import type { RulesAction, RulesCommand } from './rules-args';

interface RulesAccess {
  get(): Promise<Settings>;
  save(rules: DownloadRule[]): Promise<void>;
}

export async function rules(command: RulesCommand, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const [{ lockDataDir }, { openPrivateDataDir }] = await Promise.all([import('../kit/data-dir/data-dir-lock'), import('../kit/data-dir/private-data-dir')]);
  await openPrivateDataDir(command.dataDir);
  const lock = await lockDataDir(command.dataDir);
  try {
    const access = lock.ok ? await fileAccess(command.dataDir) : await runningFerryAccess(command.dataDir, lock.message);
    if (typeof access === 'string') {
      err.write(`ferry: ${access}\n`);
      return EXIT_FAILED;
    }
    try {
      const settings = await access.get();
      const edit = editRules(settings.rules, command);
      if ('problem' in edit) {
        err.write(`ferry: ${edit.problem}\n`);
        return EXIT_FAILED;
      }
      if (edit.rules) await access.save(edit.rules);
      out.write(edit.rules ? `${edit.said}\n` : `${listRules(settings.rules, settings.downloadDirectory)}\n`);
      return EXIT_OK;
    } catch (error) {
      err.write(`ferry: ${(error as Error).message}\n`);
      return EXIT_FAILED;
    } finally {
      if ('close' in access) (access as { close(): void }).close();
    }
  } finally {
    if (lock.ok) await lock.release();
  }
}

/** The running Ferry's settings over its local channel; a string says why not. */
async function runningFerryAccess(dataDir: string, lockMessage: string): Promise<(RulesAccess & { close(): void }) | string> {
  const { connectLocalControl } = await import('../kit/local-control/client');
  const client = await connectLocalControl(dataDir);
  if (!client) return lockMessage;
  if ('refused' in client) return client.message;
  return {
    get: () => client.call('getSettings'),
    save: async (rules) => void (await client.call('setSettings', { rules })),
    close: () => client.close(),
  };
}

/** No Ferry runs here (this command holds the lock): the settings file itself, checked as the service does. */
async function fileAccess(dataDir: string): Promise<RulesAccess> {
  const [{ openConfBacking }, { createSettingsStore }, { checkRuleFolders }] = await Promise.all([
    import('../kit/service/conf-backing'),
    import('../kit/service/settings-store'),
    import('../kit/service/rule-folders'),
  ]);
  const store = createSettingsStore(openConfBacking(dataDir, 'settings'), path.join(os.homedir(), 'Downloads'));
  return {
    get: async () => store.get(),
    async save(rules) {
      const current = store.get();
      await checkRuleFolders(rules, current, current.downloadDirectory, undefined);
      store.update({ rules });
    },
  };
}

type Edit = { problem: string } | { rules?: DownloadRule[]; said: string };

/** The rules after the command, and what to say; `rules` absent: nothing changes (list). */
export function editRules(current: readonly DownloadRule[], action: RulesAction): Edit {
  const rules = [...current];
  if (action.action === 'list') return { said: '' };
  if (action.action === 'add') {
    const { rule: given, position } = action;
    const existing = rules.findIndex((r) => sameName(r, given.name));
    const rule: DownloadRule = { id: existing >= 0 ? rules[existing]!.id : newId(given.name, rules), enabled: true, ...given };
    // A rule of the same name is replaced where it stands; a new one goes first (or --to N), since
    // the first match wins and the built-in rules would otherwise catch its files.
    if (existing >= 0) rules.splice(existing, 1);
    const at = position !== undefined ? position - 1 : existing >= 0 ? existing : 0;
    rules.splice(Math.min(at, rules.length), 0, rule);
    return { rules, said: `${existing >= 0 ? 'Replaced' : 'Added'} rule ${rule.name} (${rules.indexOf(rule) + 1} of ${rules.length})` };
  }
  const index = rules.findIndex((r) => sameName(r, action.name) || r.id === action.name);
  if (index < 0) return { problem: `no rule named ${action.name} (see 'ferry rules list')` };
  const rule = rules[index]!;
  switch (action.action) {
    case 'remove':
      rules.splice(index, 1);
      return { rules, said: `Removed rule ${rule.name}` };
    case 'enable':
    case 'disable':
      rules[index] = { ...rule, enabled: action.action === 'enable' };
      return { rules, said: `Rule ${rule.name} is ${action.action === 'enable' ? 'on' : 'off'}` };
    case 'move': {
      rules.splice(index, 1);
      const at = Math.min(action.position - 1, rules.length);
      rules.splice(at, 0, rule);
      return { rules, said: `Moved rule ${rule.name} to ${at + 1} of ${rules.length}` };
    }
  }
}

function sameName(rule: DownloadRule, name: string): boolean {
  return rule.name.toLowerCase() === name.trim().toLowerCase();
}

function newId(name: string, rules: readonly DownloadRule[]): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'rule';
  let id = base;
  for (let n = 2; rules.some((r) => r.id === id); n++) id = `${base}-${n}`;
  return id;
}

/** One line per rule, in the order they are tried. */
export function listRules(rules: readonly DownloadRule[], downloadDirectory: string): string {
  if (rules.length === 0) return 'No rules: downloads that name no folder go into the download folder.';
  return rules
    .map((rule, index) => {
      const what = [
        rule.fileTypes.length > 0 ? `files ${shortList(rule.fileTypes)}` : '',
        rule.mimeTypes.length > 0 ? `type ${shortList(rule.mimeTypes)}` : '',
        rule.sites.length > 0 ? `site ${shortList(rule.sites)}` : '',
        rule.urlPattern !== undefined ? `url ${rule.urlPattern}` : '',
      ].filter(Boolean);
      const extras = [
        rule.connections !== undefined ? `${rule.connections} connections` : '',
        rule.speedLimit !== undefined ? `limit ${formatSpeed(rule.speedLimit)}` : '',
        rule.startPaused ? 'paused' : '',
      ].filter(Boolean);
      const state = rule.enabled ? '' : ' (off)';
      return `${String(index + 1).padStart(2)}. ${rule.name}${state}: ${what.join('; ')} -> ${ruleFolder(rule.folder, downloadDirectory)}${extras.length ? ` [${extras.join(', ')}]` : ''}`;
    })
    .join('\n');
}

function shortList(items: readonly string[]): string {
  return items.length > 6 ? `${items.slice(0, 6).join(',')},… (${items.length})` : items.join(',');
}
