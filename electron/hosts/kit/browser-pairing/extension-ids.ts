// Who may talk to Ferry's native host: Ferry's own extension only. The Chromium ID follows from
// the public key in extension/manifest.json (a test checks it); Firefox uses the gecko id there.
export const NATIVE_HOST_NAME = 'dev.ferry.host';
export const CHROMIUM_EXTENSION_ID = 'lojocmffkaoblkneplpkmbkkmlbboifh';
export const FIREFOX_EXTENSION_ID = 'ferry@ferry.dev';
