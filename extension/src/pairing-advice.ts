// What the user can do when pairing with Ferry failed, in words: which program to start, which
// setting to turn on, where the secret is. The reasons come from the browser (native messaging
// errors, which differ between Chromium and Firefox) or from Ferry's native host.

const ENTER_BY_HAND = 'Or type the endpoint and secret into the extension\'s options (in Ferry: Settings › aria2 RPC › Copy).';
const START_FERRY = 'Start Ferry (the desktop app, or "ferry rpc" in a terminal), then click "Find Ferry".';

export interface PairingAdvice {
  /** What went wrong, in a few words. */
  problem: string;
  /** What to do about it. */
  todo: string;
}

export function pairingAdvice(reason: string): PairingAdvice {
  // Chromium: "Specified native messaging host not found."; Firefox: "No such native application dev.ferry.host".
  if (/native messaging host not found|no such native application/i.test(reason)) {
    return {
      problem: 'Ferry has not set up pairing for this browser yet.',
      todo: `${START_FERRY} Ferry installs the pairing for every supported browser each time it starts. ${ENTER_BY_HAND}`,
    };
  }
  if (/forbidden/i.test(reason)) {
    return {
      problem: 'Ferry pairs only with its own extension, and this copy has another ID.',
      todo: `Load the extension built by \`npm run build:extension\` (extension/dist, whose manifest carries Ferry's key). ${ENTER_BY_HAND}`,
    };
  }
  if (/native host has exited|error when communicating|failed to start native messaging host|native application tried to send|disconnected/i.test(reason)) {
    return {
      problem: 'Ferry\'s pairing helper could not run (Ferry or Node moved since it was installed).',
      todo: `${START_FERRY} It rewrites the helper as it starts.`,
    };
  }
  if (/did not answer in time/i.test(reason)) {
    return {
      problem: 'Ferry started, but its aria2 RPC did not answer.',
      todo: 'In Ferry, turn on Settings › aria2 RPC › "Accept downloads from aria2 clients", then click "Find Ferry".',
    };
  }
  if (/not running/i.test(reason)) {
    return { problem: 'Ferry is not running.', todo: START_FERRY };
  }
  if (/not paired/i.test(reason)) {
    return { problem: 'The extension is not paired with Ferry yet.', todo: `${START_FERRY} ${ENTER_BY_HAND}` };
  }
  return { problem: reason.endsWith('.') ? reason : `${reason}.`, todo: `${START_FERRY} ${ENTER_BY_HAND}` };
}

/** When Ferry was paired but does not answer at its endpoint (stopped, or moved to another port). */
export function unreachableAdvice(endpoint: string, reason: string): PairingAdvice {
  if (/unauthorized/i.test(reason)) {
    return { problem: 'Ferry refused the secret this extension has.', todo: 'Click "Find Ferry" to pair again, or copy the current secret from Ferry (Settings › aria2 RPC › Copy) into the options.' };
  }
  return {
    problem: `Ferry does not answer at ${endpoint}.`,
    todo: `${START_FERRY} If it runs, check Settings › aria2 RPC › "Accept downloads from aria2 clients".`,
  };
}

/**
 * Advice for a handoff Ferry did not take, where the cause is the connection (not paired, not
 * running, a refused secret); undefined for Ferry's own refusals, whose reason says it all.
 */
export function handoffAdvice(reason: string, endpoint: string): PairingAdvice | undefined {
  if (/not paired/i.test(reason)) return pairingAdvice(reason);
  if (/not running|no answer within|unauthorized/i.test(reason)) return unreachableAdvice(endpoint, reason);
  return undefined;
}
