// Alt+click on a link lets the browser keep that download (Chromium downloads a link on Alt+click).
// Tells the service worker which URL, before the download appears.
document.addEventListener(
  'click',
  (event) => {
    if (!event.altKey) return;
    const link = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!link) return;
    chrome.runtime.sendMessage({ type: 'ferry-alt-click', url: link.href }).catch(() => undefined);
  },
  true,
);
