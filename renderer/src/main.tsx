import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickTransport, wireStore } from './api/connect';
import { setTransport } from './api/current';
import { App, NoHost } from './components/App';
import { useTransfers } from './store/transfers-store';
import './styles/theme.css';
import './styles/layout.css';
import './styles/list.css';
import './styles/panels.css';
import './styles/dialogs.css';

performance.mark('ferry:start');
const transport = pickTransport(window);
const root = createRoot(document.getElementById('root')!);
if (transport) {
  setTransport(transport);
  wireStore(transport, useTransfers);
  // The token is a secret: keep it out of the visible address bar and history once read.
  if (location.hash.includes('token=')) history.replaceState(null, '', location.pathname + location.search);
  performance.mark('ferry:render');
  root.render(
    <StrictMode>
      <App label={transport.label} />
    </StrictMode>,
  );
} else {
  root.render(<NoHost />);
}
