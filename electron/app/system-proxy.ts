// The desktop app follows the system's proxy settings (manual, PAC, WPAD) the way Chromium does:
// Electron's session.resolveProxy answers per URL with a PAC result, which the engine's pure
// parser turns into one proxy or a direct connection. Thin on purpose: the engine calls it for
// each request, and everything it decides is tested without Electron.
import type { Session } from 'electron';
import { choiceFromPacResult, type SystemProxy } from '../engine/index';

export function electronSystemProxy(session: Pick<Session, 'resolveProxy'>): SystemProxy {
  return async (url) => {
    const choice = choiceFromPacResult(await session.resolveProxy(url.href));
    if (choice.kind === 'unusable') throw new Error(`the system names no proxy Ferry can use for ${url.host} ("${choice.result}")`);
    return choice.kind === 'proxy' ? choice.url : undefined;
  };
}
