// User settings over a JSON backing, validated with the shared schema. A hand-edited or
// outdated file never stops Ferry: invalid or unknown keys fall back to their defaults.
import { DEFAULT_SETTINGS, settingsSchema, type Settings, type SettingsPatch } from '../../../shared/settings';
import type { JsonBacking } from './backing-store';

export interface SettingsStore {
  get(): Settings;
  /** Validates the merged result; throws a readable Error when it is invalid. */
  update(patch: SettingsPatch): Settings;
}

export function createSettingsStore(backing: JsonBacking, defaultDownloadDirectory: string): SettingsStore {
  const defaults: Settings = { ...DEFAULT_SETTINGS, downloadDirectory: defaultDownloadDirectory };

  function read(): Settings {
    const stored = backing.store;
    const merged: Record<string, unknown> = { ...defaults };
    for (const key of Object.keys(defaults) as (keyof Settings)[]) {
      if (!(key in stored)) continue;
      const field = settingsSchema.shape[key].safeParse(stored[key]);
      if (field.success) merged[key] = field.data;
    }
    return settingsSchema.parse(merged);
  }

  return {
    get: read,
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
