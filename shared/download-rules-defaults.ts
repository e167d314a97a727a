// The built-in rules, apart from the schema so UI code can use them without loading zod. AB Download
// Manager's categories, filed into folders of those names inside the download folder; the user edits
// them, switches them off or removes them in Settings › Rules or with `ferry rules`.
import type { DownloadRule } from './download-rules';

function builtIn(id: string, name: string, fileTypes: string[], mimeTypes: string[]): DownloadRule {
  return { id, name, enabled: true, fileTypes, mimeTypes, sites: [], folder: name };
}

export const DEFAULT_RULES: readonly DownloadRule[] = [
  builtIn('compressed', 'Compressed', ['zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'tbz2', 'xz', 'txz', 'zst', 'lz', 'lzma', 'cab', 'arj', 'iso'], ['application/zip', 'application/x-7z-compressed', 'application/vnd.rar', 'application/x-rar-compressed', 'application/gzip', 'application/x-tar', 'application/x-xz', 'application/x-bzip2', 'application/zstd']),
  builtIn('documents', 'Documents', ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'txt', 'csv', 'epub'], ['application/pdf', 'application/msword', 'application/vnd.openxmlformats-officedocument.*', 'application/vnd.oasis.opendocument.*', 'application/epub+zip']),
  builtIn('music', 'Music', ['mp3', 'flac', 'wav', 'aac', 'm4a', 'ogg', 'oga', 'opus', 'wma', 'aiff', 'ape', 'mka'], ['audio/*']),
  builtIn('video', 'Video', ['mp4', 'mkv', 'avi', 'mov', 'wmv', 'webm', 'flv', 'm4v', 'mpg', 'mpeg', '3gp'], ['video/*']),
  builtIn('programs', 'Programs', ['exe', 'msi', 'apk', 'dmg', 'pkg', 'deb', 'rpm', 'appimage', 'flatpak', 'snap'], ['application/vnd.android.package-archive', 'application/x-msdownload', 'application/x-msi', 'application/vnd.debian.binary-package', 'application/x-apple-diskimage']),
  builtIn('images', 'Images', ['jpg', 'jpeg', 'png', 'gif', 'webp', 'bmp', 'svg', 'tif', 'tiff', 'heic', 'avif', 'ico'], ['image/*']),
];
