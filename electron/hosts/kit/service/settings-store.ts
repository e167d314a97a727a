// User settings over a JSON backing, validated with the shared schema. A hand-edited or
// outdated file never stops Ferry: invalid or unknown keys fall back to their defaults, and
// the file as it was is copied aside first (with a notice), so nothing typed is lost silently.
import { DEFAULT_SETTINGS, settingsSchema, type Settings, type SettingsPatch } from '../../../../shared/settings';
import type { JsonBacking } from './backing-store';
import { setAside, setAsideNotice } from './set-aside';

export interface SettingsStore {
  get(): Settings;
  /** Validates the merged result; throws a readable Error when it is invalid. */
  update(patch: SettingsPatch): Settings;
  /** What was wrong with the stored settings at start: for the hosts' notices. */
  readonly problems: readonly string[];
}

export function createSettingsStore(backing: JsonBacking, defaultDownloadDirectory: string): SettingsStore {
  const defaults: Settings = { ...DEFAULT_SETTINGS, downloadDirectory: defaultDownloadDirectory };
  const problems = [...(backing.problems ?? [])];

  function read(): Settings {
    return settingsSchema.parse(readChecked().settings);
  }

  function readChecked(): { settings: Record<string, unknown>; dropped: string[] } {
    const stored = backing.store;
    const merged: Record<string, unknown> = { ...defaults };
    const dropped: string[] = [];
    for (const key of Object.keys(stored)) {
      const field = Object.prototype.hasOwnProperty.call(defaults, key) ? settingsSchema.shape[key as keyof Settings].safeParse(stored[key]) : undefined;
      if (field?.success) merged[key] = field.data;
      else dropped.push(key);
    }
    return { settings: merged, dropped };
  }

  const { settings, dropped } = readChecked();
  if (dropped.length > 0) {
    const aside = backing.path ? setAside(backing.path, 'copy') : undefined;
    const what = `has invalid or unknown settings (${dropped.join(', ')})`;
    problems.push(setAsideNotice(backing.path ?? 'settings.json', aside, what, 'their defaults'));
    // Written back cleaned, so the copy is made once and not at every start.
    if (aside) backing.store = settingsSchema.parse(settings);
  }

  return {
    get: read,
    problems,
    update(patch) {
      const next = settingsSchema.safeParse({ ...read(), ...patch });
      if (!next.success) {
        const issue = next.error.issues[0];
        throw new Error(`Invalid setting ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'malformed'}`);
      }
      backing.store = { ...next.data };
      return next.data;
    },
  };
}
