// Default settings, apart from the schemas: importing them costs no zod (the renderer's demo uses them).
import { DEFAULT_RULES } from './download-rules-defaults';
import type { Settings } from './settings';

export const DEFAULT_SETTINGS: Omit<Settings, 'downloadDirectory'> = {
  maxActive: 3,
  maxPerHost: 2,
  connectionsPerDownload: 16,
  downloadLimit: null,
  uploadLimit: null,
  stallTimeoutSeconds: 30,
  maxRetries: 8,
  closeToTray: true,
  startHidden: false,
  startAtLogin: false,
  notifications: true,
  confirmQuitWhileActive: true,
  preventSleepWhileActive: true,
  releaseWindowAfterMinutes: 5,
  confirmDroppedFiles: true,
  droppedFileLimitMiB: 4096,
  rpcEnabled: true,
  rpcPort: 6800,
  proxy: { mode: 'system' },
  rpcSaveFolders: [],
  rpcAllowedOrigins: [],
  rpcAllowAnyOrigin: false,
  rules: DEFAULT_RULES.map((rule) => ({ ...rule, fileTypes: [...rule.fileTypes] })),
  clipboardWatch: 'off',
  bandwidthTimetable: '',
  queueHours: { enabled: false, start: '01:00', stop: '07:00', days: [0, 1, 2, 3, 4, 5, 6] },
  whenQueueFinishes: { action: 'notify', command: '' },
};
