// Default settings, apart from the schemas: importing them costs no zod (the renderer's demo uses them).
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
  confirmDroppedFiles: true,
  droppedFileLimitMiB: 4096,
  rpcEnabled: true,
  rpcPort: 6800,
  proxy: { mode: 'system' },
  rpcSaveFolders: [],
  rpcAllowedOrigins: [],
  rpcAllowAnyOrigin: false,
  bandwidthTimetable: '',
  queueHours: { enabled: false, start: '01:00', stop: '07:00', days: [0, 1, 2, 3, 4, 5, 6] },
  whenQueueFinishes: { action: 'notify', command: '' },
};
