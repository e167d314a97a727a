// "Download video with Ferry" in the page's context menu, shown while the active tab has videos:
// one item for one video, a submenu (title, size, duration) for several. Menus are global in
// Chromium, so the items follow the active tab (switching tabs, a new video, a navigation).
import { formatDuration } from './format';
import { videoTitle, visibleVideos, type DetectedVideo } from './video-list';
import { readTab } from './video-store';

export const VIDEO_MENU_ID = 'ferry-video';
const CONTEXTS: chrome.contextMenus.CreateProperties['contexts'] = ['page', 'frame', 'video', 'audio', 'selection'];

let queue: Promise<void> = Promise.resolve();

export function refreshVideoMenu(): void {
  queue = queue.then(rebuild).catch((error: Error) => console.warn(`[ferry] video menu: ${error.message}`));
}

/** Which video a click on one of the menu's items means (undefined: not ours). */
export function videoOfMenuItem(menuItemId: string | number, videos: readonly DetectedVideo[]): DetectedVideo | undefined {
  const id = String(menuItemId);
  if (id === VIDEO_MENU_ID) return visibleVideos(videos)[0];
  if (!id.startsWith(`${VIDEO_MENU_ID}|`)) return undefined;
  const url = id.slice(VIDEO_MENU_ID.length + 1);
  return videos.find((v) => v.url === url);
}

export function menuLabel(video: DetectedVideo): string {
  const parts = [videoTitle(video)];
  const best = video.summary?.variants[0]?.label.split(' · ')[0];
  if (best) parts.push(best);
  if (video.summary?.durationSeconds) parts.push(formatDuration(video.summary.durationSeconds));
  return parts.join(' · ');
}

async function rebuild(): Promise<void> {
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  const videos = tab?.id !== undefined ? visibleVideos(await readTab(tab.id)) : [];
  await chrome.contextMenus.remove(VIDEO_MENU_ID).catch(() => undefined);
  if (videos.length === 0) return;
  await create({ id: VIDEO_MENU_ID, title: 'Download video with Ferry', contexts: CONTEXTS });
  if (videos.length === 1) return;
  for (const video of videos) await create({ id: `${VIDEO_MENU_ID}|${video.url}`, parentId: VIDEO_MENU_ID, title: menuLabel(video), contexts: CONTEXTS });
}

function create(properties: chrome.contextMenus.CreateProperties): Promise<void> {
  return new Promise((resolve) => {
    chrome.contextMenus.create(properties, () => {
      if (chrome.runtime.lastError) console.warn(`[ferry] menu item: ${chrome.runtime.lastError.message}`);
      resolve();
    });
  });
}
