// What every Ferry window gets besides its web preferences (main-window.ts spells those out
// literally, so reviewers and electronegativity see them): refusals for navigation, new windows,
// <webview> and permission requests, and the CSP on every response.
import type { Session, WebContents } from 'electron';
import { isAppUrl } from './app-protocol';

export function hardenWebContents(contents: WebContents): void {
  // The page is a single-page app: it never navigates, opens windows or embeds webviews.
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/**
 * The CSP as a response header on everything the session loads (the app:// handler sets it too).
 * Spelled out literally so scanners can check it; a test holds it equal to contentSecurityPolicy().
 */
export function applyContentSecurityPolicy(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
        ],
      },
    });
  });
}

