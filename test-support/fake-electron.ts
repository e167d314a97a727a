// A stand-in for the 'electron' module in unit tests of main-process code (the binary is not
// installed on build machines). Only what Ferry's main process touches; each piece records what
// was done to it so tests can assert on the decisions.
import { EventEmitter } from 'node:events';

export class FakeWebFrame {
  parent: FakeWebFrame | null = null;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  mainFrame = new FakeWebFrame('');
  sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: (() => unknown) | undefined;
  destroyed = false;
  isDestroyed = () => this.destroyed;
  getURL = () => this.mainFrame.url;
  send = (channel: string, ...args: unknown[]) => void this.sent.push({ channel, args });
  setWindowOpenHandler = (handler: () => unknown) => void (this.windowOpenHandler = handler);
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  visible = false;
  progress: number | undefined;
  destroyed = false;
  constructor(public options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  loadURL = async (url: string) => {
    this.webContents.mainFrame.url = url;
    this.emit('ready-to-show');
  };
  // Electron emits 'show' and 'hide' when the visibility changes, and 'closed' once destroyed.
  show = () => {
    if (this.visible) return;
    this.visible = true;
    this.emit('show');
  };
  hide = () => {
    if (!this.visible) return;
    this.visible = false;
    this.emit('hide');
  };
  /** BrowserWindow.destroy(): gone without a 'close' event (nothing can prevent it), then 'closed'. */
  destroy = () => {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.emit('closed');
  };
  focus = () => {};
  restore = () => {};
  maximize = () => {};
  isMinimized = () => false;
  isMaximized = () => false;
  isDestroyed = () => this.destroyed;
  isVisible = () => this.visible;
  getNormalBounds = () => ({ x: 0, y: 0, width: 1000, height: 680 });
  setProgressBar = (value: number) => void (this.progress = value);
  /** What a user clicking the close button does: returns whether the close went ahead. */
  userClose(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroy();
    return !prevented;
  }
}

export function createFakeElectron() {
  const app = Object.assign(new EventEmitter(), {
    exitCodes: [] as number[],
    quitCalls: 0,
    badge: 0,
    singleInstance: true,
    paths: {} as Record<string, string>,
    requestSingleInstanceLock: () => app.singleInstance,
    whenReady: async () => {},
    quit: () => void app.quitCalls++,
    exit: (code = 0) => void app.exitCodes.push(code),
    getPath: (name: string) => app.paths[name] ?? '/tmp',
    setPath: (name: string, value: string) => void (app.paths[name] = value),
    getAppPath: () => '/tmp',
    getVersion: () => '0.0.0-test',
    setBadgeCount: (n: number) => {
      app.badge = n;
      return true;
    },
    setLoginItemSettings: () => {},
    getLoginItemSettings: () => ({ wasOpenedAsHidden: false }),
  });
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const notifications: { title: string; body: string }[] = [];
  /** The notifications shown, to click (emit 'click' or 'action') and to see closed. */
  const shownNotifications: InstanceType<typeof Notification>[] = [];
  const dialogAnswers: number[] = [];
  const dialogQuestions: string[] = [];
  /** Every native message box shown, whole (with or without a parent window). */
  const messageBoxes: { message: string; detail?: string; buttons?: string[]; defaultId?: number; cancelId?: number }[] = [];
  /** session.resolveProxy: the PAC result Chromium would give (set per test) and the URLs asked about. */
  const proxyResolver = { answer: 'DIRECT', asked: [] as string[] };
  /** What the next native open dialogs return (file or folder paths); empty = cancelled. */
  const openDialogAnswers: string[][] = [];
  const openDialogs: { properties?: string[] }[] = [];
  const opened: string[] = [];
  const clipboard = { text: '', writeText: (text: string) => void (clipboard.text = text), readText: () => clipboard.text };
  class Notification extends EventEmitter {
    static isSupported = () => true;
    constructor(public options: { title: string; body: string }) {
      super();
    }
    closed = false;
    show = () => {
      notifications.push(this.options);
      shownNotifications.push(this);
    };
    close = () => {
      this.closed = true;
      this.emit('close');
    };
  }
  class Tray extends EventEmitter {
    static last: Tray | undefined;
    tooltip = '';
    menu: { label?: string; click?: () => void }[] = [];
    constructor() {
      super();
      Tray.last = this;
    }
    setContextMenu = (menu: { items: { label?: string; click?: () => void }[] }) => void (this.menu = menu.items);
    setToolTip = (text: string) => void (this.tooltip = text);
    destroy = () => {};
  }
  const area = { x: 0, y: 0, width: 1920, height: 1080 };
  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Tray,
    Notification,
    Menu: { buildFromTemplate: (items: unknown[]) => ({ items }) },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    clipboard,
    screen: { getPrimaryDisplay: () => ({ workArea: area }), getAllDisplays: () => [{ workArea: area }] },
    shell: {
      openPath: async (file: string) => {
        opened.push(file);
        return '';
      },
      showItemInFolder: () => {},
    },
    dialog: {
      showErrorBox: (title: string, text: string) => void dialogQuestions.push(`${title}: ${text}`),
      showMessageBox: async (...args: unknown[]) => {
        const options = args.at(-1) as (typeof messageBoxes)[number];
        dialogQuestions.push(options.message);
        messageBoxes.push(options);
        return { response: dialogAnswers.shift() ?? 0 };
      },
      showOpenDialog: async (...args: unknown[]) => {
        const options = args.at(-1) as { properties?: string[] };
        openDialogs.push(options);
        const filePaths = openDialogAnswers.shift() ?? [];
        return { canceled: filePaths.length === 0, filePaths };
      },
    },
    powerMonitor: new EventEmitter(),
    powerSaveBlocker: { start: () => 1, stop: () => {} },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => void handlers.set(channel, handler),
      removeHandler: (channel: string) => void handlers.delete(channel),
      on: () => {}, // electron-store registers a sync data channel
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => {},
        setPermissionCheckHandler: () => {},
        setDevicePermissionHandler: () => {},
        webRequest: { onHeadersReceived: () => {} },
        resolveProxy: async (url: string) => {
          proxyResolver.asked.push(url);
          return proxyResolver.answer;
        },
      },
    },
    protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '', getSelectedStorageBackend: () => 'basic_text' },
  };
  return { module, app, handlers, notifications, shownNotifications, dialogAnswers, dialogQuestions, messageBoxes, openDialogAnswers, openDialogs, opened, clipboard, Tray, proxyResolver };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
