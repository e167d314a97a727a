// A download folder field. In the desktop app the folder is chosen in the main process's native
// picker and only shown here: a page that could type any folder could also type
// ~/.config/autostart, and the main process accepts only folders its picker returned. Where the
// host has no native dialogs (headless, demo), the folder is typed.
import { transport } from '../api/current';
import { useUi } from '../store/ui-store';

interface FolderFieldProps {
  id?: string;
  value: string;
  placeholder?: string;
  describedBy?: string;
  /** The host refused the folder (said beside the field). */
  invalid?: boolean;
  onChange(folder: string): void;
  /** Offered once a folder was picked, to go back to the default (empty) one. */
  onClear?(): void;
}

export function FolderField({ id, value, placeholder, describedBy, invalid, onChange, onClear }: FolderFieldProps) {
  if (!transport().nativeDialogs) {
    return <input id={id} className="input" aria-describedby={describedBy} aria-invalid={invalid || undefined} placeholder={placeholder} value={value} spellCheck={false} onChange={(e) => onChange(e.target.value)} />;
  }
  async function choose() {
    const r = await transport().api.chooseDownloadFolder();
    if (!r.ok) useUi.getState().toast(r.error.message, 'error');
    else if (r.value !== null) onChange(r.value);
  }
  return (
    <div className="folder-field">
      <input id={id} className="input" aria-describedby={describedBy} aria-invalid={invalid || undefined} placeholder={placeholder} value={value} readOnly />
      {onClear && value !== '' && (
        <button type="button" className="btn" onClick={onClear}>
          Use default
        </button>
      )}
      <button type="button" className="btn" onClick={() => void choose()}>
        Choose folder…
      </button>
    </div>
  );
}
