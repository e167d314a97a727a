import { remove } from '../lib/actions';
import { useUi } from '../store/ui-store';
import { Modal } from './Modal';

export function ConfirmRemoveDialog({ ids }: { ids: string[] }) {
  const close = () => useUi.getState().closeDialog();
  return (
    <Modal
      title="Delete files?"
      onClose={close}
      onSubmit={() => {
        void remove(ids, true);
        close();
      }}
      footer={
        <>
          <button type="button" className="btn" onClick={close} data-autofocus>
            Keep files
          </button>
          <button type="submit" className="btn btn--danger-solid">
            Delete {ids.length === 1 ? 'file' : `${ids.length} files`}
          </button>
        </>
      }
    >
      <p>
        {ids.length === 1 ? 'This transfer' : `These ${ids.length} transfers`} will leave the list and the downloaded {ids.length === 1 ? 'file is' : 'files are'} deleted from disk. This cannot be undone.
      </p>
    </Modal>
  );
}
