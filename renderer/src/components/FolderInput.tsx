// The "Save to folder" field of the dialogs that add downloads (Add downloads, Import links): the
// folder (typed, or picked where the host has native dialogs; `~` is the host's to expand), what
// the host said against it, and a help line that names the default folder. Empty means "the
// default", so the placeholder shows that folder. The dialog holds the folder and the error
// (useFolderChoice): it is the one that sends the folder and hears back.
import { useState, type ReactNode } from 'react';
import type { ErrorReply } from '../../../shared/contract';
import { fieldError } from '../lib/actions';
import { useTransfers } from '../store/transfers-store';
import { FolderField } from './FolderField';

/** A dialog's folder and the host's last word against it; `field` is spread onto <FolderInput>. */
export function useFolderChoice() {
  const [folder, setFolder] = useState('');
  const [error, setError] = useState<string | null>(null);
  return {
    /** As typed or picked, trimmed; empty for the default folder. */
    folder: folder.trim(),
    /** Sets the folder without clearing the error (the rule line's "Use the download folder"). */
    set: setFolder,
    /** Before the dialog sends again: the last refusal no longer stands. */
    clearError: () => setError(null),
    /** Keeps a host error that is about the folder, to say beside the field; false for any other. */
    takeError(e: ErrorReply): boolean {
      const aboutFolder = fieldError(e, 'directory');
      if (aboutFolder) setError(aboutFolder);
      return Boolean(aboutFolder);
    },
    field: {
      value: folder,
      error,
      // A new folder is a new question: the refusal of the old one goes.
      onChange: (chosen: string) => {
        setFolder(chosen);
        setError(null);
      },
      onClear: () => setFolder(''),
    },
  };
}

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
