// "Import links…" and "Export list…": the file crosses as text, never as a path. Import reads the
// file the user picked in the page's own file input (the desktop window and a browser alike);
// export hands the host's text to the browser as a download (a Blob and an <a download>).
import { LIST_MAX_CHARS } from '../../../shared/contract';
import { transport } from '../api/current';
import { useUi } from '../store/ui-store';

/** Reads a picked file and opens the import preview; too large a file is said at once. */
export async function openImport(file: File): Promise<void> {
  // UTF-8 takes at least a byte a character, so a file within the limit in bytes is within it in text.
  if (file.size > LIST_MAX_CHARS) {
    useUi.getState().toast(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MiB; Ferry imports lists of links up to ${LIST_MAX_CHARS / 1024 / 1024} MiB.`, 'error');
    return;
  }
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    useUi.getState().toast(`Could not read ${file.name}: ${(error as Error).message}`, 'error');
    return;
  }
  useUi.getState().openDialog({ kind: 'import', fileName: file.name, text });
}

export const EXPORT_FILE_NAME = 'ferry-downloads.txt';

/** Every download as an aria2 input file, saved by the browser. */
export async function exportList(): Promise<void> {
  const reply = await transport()
    .api.exportList({})
    .catch((error: unknown) => ({ ok: false as const, error: { message: (error as Error).message } }));
  if (!reply.ok) {
    useUi.getState().toast(`Export list: ${reply.error.message}`, 'error');
    return;
  }
  if (reply.value.count === 0) {
    useUi.getState().toast('There are no downloads to export.', 'info');
    return;
  }
  const url = URL.createObjectURL(new Blob([reply.value.text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = EXPORT_FILE_NAME;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it started; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  useUi.getState().toast(`Exported ${countOf(reply.value.count, 'download')} to ${EXPORT_FILE_NAME}.`, 'info');
}

export function countOf(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}
