// Ferry's one service over an engine a test opened itself (to look into it: the records, the URLs
// with their passwords), with the settings in memory and everything else the hosts' defaults:
//   const { service, settingsStore } = serviceOverEngine(engine, dataDir, { downloadDirectory });
import { DEFAULT_SETTINGS } from '../shared/settings-defaults';
import type { Settings } from '../shared/settings';
import { memoryBacking } from '../electron/hosts/kit/service/backing-store';
import { openConfBacking } from '../electron/hosts/kit/service/conf-backing';
import { createDestinationsStore } from '../electron/hosts/kit/service/destinations-store';
import { createFerryService, type EngineLike, type FerryService, type FerryServiceOptions } from '../electron/hosts/kit/service/ferry-service';
import { createFileSecretStore } from '../electron/hosts/kit/service/secret-store';
import { createSettingsStore, type SettingsStore } from '../electron/hosts/kit/service/settings-store';

export function serviceOverEngine(
  engine: EngineLike,
  dataDir: string,
  settings: Partial<Settings> & { downloadDirectory: string },
  extra: Partial<Pick<FerryServiceOptions, 'finishActions' | 'openPath' | 'runSchedules'>> = {},
): { service: FerryService; settingsStore: SettingsStore } {
  const settingsStore = createSettingsStore(memoryBacking({ ...DEFAULT_SETTINGS, ...settings }), settings.downloadDirectory);
  const secrets = createFileSecretStore({ dir: dataDir });
  const service = createFerryService({
    engine,
    settingsStore,
    destinationsStore: createDestinationsStore(openConfBacking(dataDir, 'destinations'), secrets),
    proxySecrets: secrets,
    openPath: async () => 'not in tests',
    showItemInFolder: () => undefined,
    ...extra,
  });
  return { service, settingsStore };
}
