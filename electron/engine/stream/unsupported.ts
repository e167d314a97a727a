// The encryptions Ferry cannot undo, said in words before a single segment is fetched: a broken
// file after an hour of downloading is worse than a clear "no" at once.

const DRM_FORMATS: Record<string, string> = {
  'com.apple.streamingkeydelivery': 'FairPlay',
  'urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed': 'Widevine',
  'com.widevine': 'Widevine',
  'com.microsoft.playready': 'PlayReady',
  'urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95': 'PlayReady',
  'urn:uuid:1077efec-c0b2-4d02-ace3-3c1e52e2fb4b': 'ClearKey',
  'urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e': 'ClearKey',
};

/** Why an EXT-X-KEY (or EXT-X-SESSION-KEY) cannot be used, or undefined when Ferry can decrypt it. */
export function unsupportedKeyMessage(method: string, keyFormat: string | undefined): string | undefined {
  const format = keyFormat?.trim().toLowerCase();
  if (method === 'NONE') return undefined;
  if (format && format !== 'identity') {
    const name = DRM_FORMATS[format] ?? `KEYFORMAT="${keyFormat}"`;
    return `This stream is protected by DRM (${name}); Ferry cannot save DRM-protected video`;
  }
  if (method === 'AES-128') return undefined;
  if (method.startsWith('SAMPLE-AES')) {
    return `This stream is encrypted with ${method} (each sample encrypted inside the segments); Ferry decrypts only METHOD=AES-128 and cannot save it`;
  }
  return `This stream uses an encryption Ferry does not know (METHOD=${method}); it cannot be saved`;
}

/** Why a DASH ContentProtection element stops the download. */
export function protectedDashMessage(schemes: readonly string[]): string {
  const names = [...new Set(schemes.map((s) => DRM_FORMATS[s.toLowerCase()] ?? (/mp4protection/i.test(s) ? 'CENC' : s)))];
  return `This stream is encrypted (${names.join(', ') || 'CENC'}): Ferry cannot save DRM-protected or CENC-encrypted video`;
}
