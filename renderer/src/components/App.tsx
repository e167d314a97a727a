import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { AddDownloadsDialog } from './AddDownloadsDialog';
import { ConfirmRemoveDialog } from './ConfirmRemoveDialog';
import { ContextMenu } from './ContextMenu';
import { DetailsPanel } from './DetailsPanel';
import { DropOverlay } from './DropOverlay';
import { SettingsDialog } from './SettingsDialog';
import { Sidebar } from './Sidebar';
import { StatusBar } from './StatusBar';
import { Toasts } from './Toasts';
import { Toolbar } from './Toolbar';
import { TransferList } from './TransferList';
import { UploadDialog } from './UploadDialog';
import { useShortcuts } from './use-shortcuts';

function CurrentDialog() {
  const dialog = useUi((s) => s.dialog);
  switch (dialog?.kind) {
    case 'add':
      return <AddDownloadsDialog initialUrls={dialog.urls} />;
    case 'upload':
      return <UploadDialog initialFiles={dialog.files} initialPaths={dialog.paths} />;
    case 'settings':
      return <SettingsDialog initialTab={dialog.tab} />;
    case 'confirm-remove':
      return <ConfirmRemoveDialog ids={dialog.ids} />;
    default:
      return null;
  }
}

export function App({ label }: { label?: string | undefined }) {
  useShortcuts();
  const detailsOpen = useUi((s) => s.detailsOpen);
  const filterLabel = useTransfers((s) => s.filter.state);
  return (
    <div className={`app${detailsOpen ? ' app--details' : ''}`}>
      <Toolbar />
      <Sidebar />
      <main className="main" aria-label={`Transfers: ${filterLabel}`}>
        <TransferList />
      </main>
      {detailsOpen && <DetailsPanel />}
      <StatusBar label={label} />
      <ContextMenu />
      <CurrentDialog />
      <DropOverlay />
      <Toasts />
    </div>
  );
}

export function NoHost() {
  return (
    <div className="nohost">
      <h1>Ferry can't find its engine</h1>
      <p>
        Open the address that <code>ferry serve</code> printed (it ends in <code>#token=…</code>), or start the desktop app. To look around without an engine, open this page with <code>#demo</code>.
      </p>
    </div>
  );
}
