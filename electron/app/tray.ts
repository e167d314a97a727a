// The tray icon: aggregate progress as its tooltip, and the four things one does from it.
import { Menu, nativeImage, Tray } from 'electron';
import type { Aggregate } from './tray-status';
import { trayTooltip } from './tray-status';

export interface TrayActions {
  show(): void;
  pauseAll(): void;
  resumeAll(): void;
  quit(): void;
}

export interface FerryTray {
  update(agg: Aggregate): void;
  destroy(): void;
}

export function createTray(iconPath: string, actions: TrayActions): FerryTray {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Ferry', click: actions.show },
      { type: 'separator' },
      { label: 'Pause all', click: actions.pauseAll },
      { label: 'Resume all', click: actions.resumeAll },
      { type: 'separator' },
      { label: 'Quit', click: actions.quit },
    ]),
  );
  tray.on('click', actions.show);
  let last = '';
  return {
    update(agg) {
      const text = trayTooltip(agg);
      if (text !== last) tray.setToolTip(text);
      last = text;
    },
    destroy: () => tray.destroy(),
  };
}
