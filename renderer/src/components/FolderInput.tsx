// The "Save to folder" field of the dialogs that add downloads (Add downloads, Import links): the
// folder (typed, or picked where the host has native dialogs; `~` is the host's to expand), what
// the host said against it, and a help line that names the default folder. Empty means "the
// default", so the placeholder shows that folder. The dialog keeps the folder and the error: it
// is the one that sends them and hears back.
import type { ReactNode } from 'react';
import { useTransfers } from '../store/transfers-store';
import { FolderField } from './FolderField';

interface FolderInputProps {
  /** The input's id; the error and the help line get `${id}-error` and `${id}-help`. */
  id: string;
  value: string;
  /** The host's refusal of this folder, said beside the field (and named by it for screen readers). */
  error: string | null;
  onChange(folder: string): void;
  /** "Use default" after a folder was picked. */
  onClear(): void;
  /** The help line under the field; `defaultFolder` names the default download folder. */
  help(defaultFolder: ReactNode): ReactNode;
  /** Shown between the error and the help line (the add dialog's word on the rules). */
  children?: ReactNode;
}

export function FolderInput({ id, value, error, onChange, onClear, help, children }: FolderInputProps) {
  const defaultDir = useTransfers((s) => s.settings?.downloadDirectory ?? '');
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        Save to folder
      </label>
      <FolderField id={id} describedBy={error ? `${id}-error` : `${id}-help`} invalid={error !== null} placeholder={defaultDir || 'Default download folder'} value={value} onChange={onChange} onClear={onClear} />
      {error && (
        <span className="field__error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
      {children}
      <span className="field__help" id={`${id}-help`}>
        {help(defaultDir ? <code>{defaultDir}</code> : 'the default folder')}
      </span>
    </div>
  );
}
