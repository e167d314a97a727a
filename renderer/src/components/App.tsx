import { lazy, Suspense } from 'react';
import { useTransfers } from '../store/transfers-store';
import { useUi } from '../store/ui-store';
import { ContextMenu } from './ContextMenu';
import { ContinueOffers } from './ContinueOffers';
import { DropOverlay } from './DropOverlay';
import { TokenRefused } from './HostPages';
import { Sidebar } from './Sidebar';
import { StatusBar } from './StatusBar';
import { Toasts } from './Toasts';
import { Toolbar } from './Toolbar';
import { TransferList } from './TransferList';
import { useShortcuts } from './use-shortcuts';

export { NoHost } from './HostPages';

// Loaded on first use: the window's first paint only needs the list and its frame.
const AddDownloadsDialog = lazy(() => import('./AddDownloadsDialog').then((m) => ({ default: m.AddDownloadsDialog })));
const UploadDialog = lazy(() => import('./UploadDialog').then((m) => ({ default: m.UploadDialog })));
const SettingsDialog = lazy(() => import('./SettingsDialog').then((m) => ({ default: m.SettingsDialog })));
const AddressDialog = lazy(() => import('./AddressDialog').then((m) => ({ default: m.AddressDialog })));
const ImportLinksDialog = lazy(() => import('./ImportLinksDialog').then((m) => ({ default: m.ImportLinksDialog })));
const ShortcutsDialog = lazy(() => import('./ShortcutsDialog').then((m) => ({ default: m.ShortcutsDialog })));
const DetailsPanel = lazy(() => import('./DetailsPanel').then((m) => ({ default: m.DetailsPanel })));

function CurrentDialog() {
  const dialog = useUi((s) => s.dialog);
  switch (dialog?.kind) {
    case 'add':
      return <AddDownloadsDialog initialUrls={dialog.urls} />;
    case 'upload':
      return <UploadDialog initialFiles={dialog.files} initialChosen={dialog.chosen} />;
    case 'settings':
      return <SettingsDialog initialTab={dialog.tab} />;
    case 'shortcuts':
      return <ShortcutsDialog />;
    case 'address':
      return <AddressDialog id={dialog.id} as={dialog.as} />;
    case 'import':
      return <ImportLinksDialog fileName={dialog.fileName} text={dialog.text} />;
    default:
      return null;
  }
}

export function App({ label }: { label?: string | undefined }) {
  useShortcuts();
  const detailsOpen = useUi((s) => s.detailsOpen);
  const filterLabel = useTransfers((s) => s.filter.state);
  const refused = useTransfers((s) => s.connection === 'refused');
  if (refused) return <TokenRefused />;
  return (
    <div className={`app${detailsOpen ? ' app--details' : ''}`}>
      <Toolbar />
      <Sidebar />
      <main className="main" aria-label={`Transfers: ${filterLabel}`}>
        <ContinueOffers />
        <TransferList />
      </main>
      {detailsOpen && (
        <Suspense fallback={<aside className="details" aria-label="Details" />}>
          <DetailsPanel />
        </Suspense>
      )}
      <StatusBar label={label} />
      <ContextMenu />
      <Suspense fallback={null}>
        <CurrentDialog />
      </Suspense>
      <DropOverlay />
      <Toasts />
    </div>
  );
}
