// "?" or F1: every keyboard shortcut in one list (they all worked before, unseen).
import { useUi } from '../store/ui-store';
import { Modal } from './Modal';

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl';

type Keys = string[][];
const GROUPS: Array<[string, Array<[Keys, string]>]> = [
  [
    'Anywhere',
    [
      [[[mod, 'N']], 'Add downloads'],
      [[[mod, 'V']], 'Paste links to download them (outside text fields)'],
      [[[mod, 'F']], 'Search'],
      [[[mod, ',']], 'Settings'],
      [[['?'], ['F1']], 'This list of shortcuts'],
      [[['Esc']], 'Close a dialog or menu'],
    ],
  ],
  [
    'In the list',
    [
      [[['↑'], ['↓']], 'Move to the previous or next transfer'],
      [[['Shift', '↑'], ['Shift', '↓']], 'Extend the selection'],
      [[['Home'], ['End'], ['PgUp'], ['PgDn']], 'Jump to the first, last, or a page away'],
      [[[mod, 'A']], 'Select all shown transfers'],
      [[[mod, 'Space']], 'Add or take the focused transfer out of the selection'],
      [[['Space']], 'Pause or resume'],
      [[['Delete']], 'Remove from the list (Undo in the notice)'],
      [[['Alt', '↑'], ['Alt', '↓']], 'Move the transfer up or down the queue (or drag it)'],
      [[['Alt', 'Home'], ['Alt', 'End']], 'Move it to the top or bottom of the queue'],
      [[['Enter']], 'Show details'],
      [[['Shift', 'F10'], ['Menu']], 'Actions menu'],
      [[['Esc']], 'Clear the selection'],
    ],
  ],
  ['In the Add downloads dialog', [[[[mod, 'Enter']], 'Download']]],
];

export function ShortcutsDialog() {
  const close = () => useUi.getState().closeDialog();
  return (
    <Modal
      title="Keyboard shortcuts"
      onClose={close}
      footer={
        <button type="button" className="btn btn--primary" onClick={close} data-autofocus>
          Close
        </button>
      }
    >
      {GROUPS.map(([heading, rows]) => (
        <section key={heading} className="shortcuts" aria-label={heading}>
          <h3 className="shortcuts__heading">{heading}</h3>
          <dl className="shortcuts__list">
            {rows.map(([keys, what]) => (
              <div key={what} className="shortcuts__row">
                <dt>
                  {keys.map((combo, i) => (
                    <span key={i}>
                      {i > 0 && <span className="shortcuts__or"> or </span>}
                      {combo.map((k, j) => (
                        <span key={j}>
                          {j > 0 && '+'}
                          <kbd>{k}</kbd>
                        </span>
                      ))}
                    </span>
                  ))}
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </Modal>
  );
}
