// The user's rules (Settings › Rules) as the service and the engine use them: the engine's hook that
// files a download by its final name, what a rule adds to a download when it is added, and the checks
// a changed rule's folder must pass (as a download folder: never one the OS runs files from).
import { chooseRule, fileNameOfUrl, ruleFolder } from '../../../../shared/rule-match';
import type { DownloadRule } from '../../../../shared/download-rules';
import type { Settings } from '../../../../shared/settings';
import { checkDownloadFolder, DownloadFolderRefused, type DownloadRequest, type FolderChooser } from '../../../engine/index';
import { requireChosenFolder, type UserChoices } from './user-choices';

/** The engine's FolderChooser over the settings as they are when a download's final name is known. */
export function folderChooserOver(settings: () => Pick<Settings, 'rules' | 'downloadDirectory'>): FolderChooser {
  return (question) => {
    const { rules, downloadDirectory } = settings();
    const chosen = chooseRule(rules, downloadDirectory, question);
    return chosen ? { folder: chosen.folder, rule: chosen.rule.name } : undefined;
  };
}

/**
 * A download that names no folder: the rules may file it once its final name is known (the engine
 * asks then). What else its rule says (connections, speed limit, start paused) is decided now, by the
 * name given or the URL's, where the caller did not say.
 */
export function ruleDefaults(
  request: DownloadRequest,
  settings: Pick<Settings, 'rules' | 'downloadDirectory'>,
  asked: { connections: boolean; speedLimit: boolean },
): DownloadRequest {
  const chosen = chooseRule(settings.rules, settings.downloadDirectory, { fileName: request.fileName ?? fileNameOfUrl(request.url), url: request.url });
  const rule = chosen?.rule;
  return {
    ...request,
    filedByRules: true,
    ...(rule?.connections !== undefined && !asked.connections ? { connections: rule.connections, connectionsByDefault: false } : {}),
    ...(rule?.speedLimit !== undefined && !asked.speedLimit ? { speedLimit: rule.speedLimit } : {}),
    ...(rule?.startPaused ? { paused: true } : {}),
  };
}

/**
 * A rules patch's folders, checked as download folders (never one the OS runs files from); a new
 * absolute one named by the desktop window only when picked in its dialog (`choices`).
 */
export async function checkRuleFolders(
  rules: readonly DownloadRule[],
  current: Pick<Settings, 'rules' | 'downloadDirectory'>,
  downloadDirectory: string,
  choices: UserChoices | undefined,
): Promise<void> {
  const known = new Set(current.rules.map((r) => r.folder));
  for (const rule of rules) {
    const folder = ruleFolder(rule.folder, downloadDirectory);
    if (folder === rule.folder && !known.has(rule.folder)) requireChosenFolder(choices, folder, downloadDirectory);
    try {
      await checkDownloadFolder(folder);
    } catch (error) {
      if (error instanceof DownloadFolderRefused) throw new DownloadFolderRefused(error.code, `Rule ${rule.name}: ${error.message}`);
      throw error;
    }
  }
}
