// File types that run something when opened: the answer to "would this download run as a program
// if Ferry opened it?". The source is Chromium's download file-type policy,
//   components/safe_browsing/content/resources/download_file_types.asciipb
//   (chromium/chromium at 018b579b9e42381df5c3172e4902b820fc65dff8, version_id 49, taken 2026-12-06):
// every extension whose danger_level is DANGEROUS or ALLOW_ON_USER_GESTURE on any platform. One
// list for every platform, because a file downloaded on one machine is opened on another (a shared
// folder, a USB stick), and a question too many costs one click. After it come Ferry's own
// additions: types Chromium leaves out of that cut because it inspects them another way (disk
// images) or has not listed yet, each with the reason.
import { stat } from 'node:fs/promises';

/** Chromium's DANGEROUS and ALLOW_ON_USER_GESTURE types, in the file's order and groups. */
const CHROMIUM_DANGEROUS_TYPES = [
  // Cross-platform: Flash, Chrome extensions, Java, scripting languages, EFI programs, OpenOffice extensions
  'swf', 'spl', 'crx', 'class', 'jar', 'jnlp', 'pl', 'py', 'pyc', 'pyd', 'pyo', 'pyw', 'rb', 'efi', 'oxt',
  // Windows: installers, Microsoft Access, Office add-ins and other Office/Outlook files
  'msi', 'msp', 'mst',
  'ade', 'adp', 'mad', 'maf', 'mag', 'mam', 'maq', 'mar', 'mas', 'mat', 'mav', 'maw', 'mda', 'mdb', 'mde', 'mdt', 'mdw', 'mdz',
  'accdb', 'accde', 'accdr', 'accda',
  'ocx', 'ops', 'paf', 'pcd', 'pif', 'plg', 'prf', 'prg', 'pst', 'cpi', 'xll',
  // Windows: opened by Internet Explorer even when another browser is the default
  'partial', 'xrm-ms', 'rels', 'xml', 'xsl', 'xsd',
  // Windows: PowerShell
  'ps1', 'ps1xml', 'ps2', 'ps2xml', 'psc1', 'psc2',
  // Internet shortcuts (Windows, macOS)
  'url', 'website', 'fileloc', 'webloc',
  // Windows Script Host and Microsoft Shell
  'js', 'jse', 'vb', 'vbe', 'vbs', 'vbscript', 'ws', 'wsc', 'wsf', 'wsh',
  'msh', 'msh1', 'msh2', 'mshxml', 'msh1xml', 'msh2xml',
  // Windows: programs, libraries, shortcuts, settings and the rest
  'ad', 'app', 'application', 'appref-ms', 'asp', 'asx', 'bas', 'bat', 'cfg', 'chi', 'chm', 'cmd', 'com', 'cpl',
  'crt', 'cer', 'der', 'dll', 'drv', 'eml', 'exe', 'fon', 'fxp', 'gadget', 'grp', 'hlp', 'hta', 'htt', 'inf', 'ini',
  'ins', 'inx', 'isu', 'isp', 'job', 'lnk', 'local', 'manifest', 'mau', 'mht', 'mhtml', 'mmc', 'mof', 'msc', 'msg',
  'reg', 'rgs', 'scf', 'scr', 'sct', 'search-ms', 'settingcontent-ms', 'shb', 'shs', 'slk', 'sys', 'u3p',
  'vdx', 'vsx', 'vtx', 'vsdx', 'vssx', 'vstx', 'vsdm', 'vssm', 'vstm', 'vsd', 'vsmacros', 'vss', 'vst', 'vsw',
  'xbap', 'xnk',
  // macOS: disk images, libraries and services
  'cdr', 'dart', 'dc42', 'diskcopy42', 'dmg', 'dmgpart', 'dvdr', 'dylib', 'img', 'imgpart', 'ndif', 'service',
  'smi', 'sparsebundle', 'sparseimage', 'toast', 'udif',
  // macOS: Automator, archives the Finder opens by itself, scripts, installers, profiles
  'action', 'definition', 'wflow', 'caction', 'as', 'cpgz', 'command', 'applescript', 'scpt', 'scptd',
  'seplugin', 'osas', 'osax', 'mpkg', 'pax', 'workflow', 'xip', 'mobileconfig', 'configprofile',
  'internetconnect', 'networkconnect',
  // Linux (and macOS for pkg): packages, programs, shell scripts, launchers
  'pkg', 'deb', 'pet', 'pup', 'rpm', 'slp', 'out', 'run', 'bash', 'csh', 'ksh', 'sh', 'shar', 'tcsh', 'desktop',
  // Android
  'dex', 'apk',
] as const;

/** Types Chromium's cut leaves out that still run something when opened, and why. */
const FERRY_ADDITIONS: Readonly<Record<string, string>> = {
  // Windows mounts these on a double-click; Chromium lists them as archives whose contents it
  // inspects, Ferry does not look inside, and the programs in them lose the "from the internet" mark.
  iso: 'disk image, mounted when opened',
  vhd: 'disk image, mounted when opened',
  vhdx: 'disk image, mounted when opened',
  rdp: 'Remote Desktop connection: connects to the server it names and can share drives and the clipboard with it',
  appx: 'Windows app package', appxbundle: 'Windows app package', msix: 'Windows app package', msixbundle: 'Windows app package',
  appinstaller: 'Windows App Installer file: installs the packages it points at',
  'library-ms': 'Windows library description: opening it makes Windows connect to the share it names',
  diagcab: 'Windows troubleshooting pack: runs its scripts',
  theme: 'Windows theme: can load code and connect to shares', themepack: 'Windows theme pack', deskthemepack: 'Windows theme pack',
  psm1: 'PowerShell module',
  tool: 'macOS Terminal script', terminal: 'macOS Terminal settings that can run a command',
  zsh: 'shell script',
  appimage: 'Linux program', flatpakref: 'installs a Flatpak app', snap: 'installs a Snap package',
  php: 'PHP script',
};

const DANGEROUS_TYPES: ReadonlySet<string> = new Set([...CHROMIUM_DANGEROUS_TYPES, ...Object.keys(FERRY_ADDITIONS)]);

/**
 * The extension that makes a file named `fileName` run something when opened, in lower case
 * (undefined when it would just be shown). Only the last extension counts, as the OS reads it:
 * "x.tar.gz" is a gz, "x.PDF.exe" an exe; trailing dots and spaces, which Windows drops, are
 * dropped first, so "setup.exe." is an exe too. Folders in the path do not count.
 */
export function runsWhenOpened(fileName: string): string | undefined {
  const base = (fileName.split(/[\\/]/).pop() ?? '').replace(/[. ]+$/, '');
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const extension = base.slice(dot + 1).toLowerCase();
  return DANGEROUS_TYPES.has(extension) ? extension : undefined;
}

/** Every type on the list (for tests and for anyone showing it). */
export function dangerousFileTypes(): readonly string[] {
  return [...DANGEROUS_TYPES];
}

/** Why a file would run as a program when opened, or undefined when it would just be shown. */
export async function executableReason(file: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const extension = runsWhenOpened(file);
  if (extension) return `“.${extension}” files can run programs or change settings when opened`;
  if (platform === 'win32') return undefined;
  try {
    const info = await stat(file);
    if (info.isFile() && (info.mode & 0o111) !== 0) return 'the file is marked as executable';
  } catch {
    // Missing or unreadable: openPath reports that itself.
  }
  return undefined;
}

