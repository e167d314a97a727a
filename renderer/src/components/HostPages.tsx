// The pages shown instead of the app when there is no host to talk to: opened without a token, or
// with a token the host refuses (an old URL, a token rotated by `--new-token`). Both say what to
// run or open, naming the command that started the host and the file that holds its current URL
// (the host tells both at /host-info.json; a page from elsewhere falls back to general words).
import { useEffect, useState } from 'react';

interface HostInfo {
  command?: string;
  urlFile?: string;
}

function useHostInfo(): HostInfo | null {
  const [info, setInfo] = useState<HostInfo | null>(null);
  useEffect(() => {
    if (!/^https?:$/.test(location.protocol)) return setInfo({});
    let live = true;
    fetch('/host-info.json', { cache: 'no-store' })
      .then((res) => (res.ok ? (res.json() as Promise<HostInfo>) : {}))
      .catch(() => ({}))
      .then((found) => live && setInfo(found));
    return () => {
      live = false;
    };
  }, []);
  return info;
}

function WhereTheUrlIs({ info }: { info: HostInfo }) {
  const command = info.command ?? 'ferry serve';
  const rotate = command.startsWith('npm ') ? `${command} -- --new-token` : `${command} --new-token`;
  return (
    <>
      <p>
        Open the address that <code>{command}</code> printed in its terminal: the line that starts with <code>Ferry UI:</code> and ends in{' '}
        <code>#token=…</code>.
        {info.urlFile ? (
          <>
            {' '}
            The current address is also in the file <code>{info.urlFile}</code>.
          </>
        ) : (
          <> The current address is also in the file <code>ui-url</code> in Ferry’s data folder.</>
        )}
      </p>
      <p>
        It stays the same when Ferry restarts; <code>{rotate}</code> replaces it.
      </p>
    </>
  );
}

export function NoHost() {
  const info = useHostInfo();
  return (
    <div className="nohost">
      <h1>This page needs Ferry’s address with its token</h1>
      {info ? <WhereTheUrlIs info={info} /> : null}
      <p>
        Or start the desktop app. To look around without an engine, open this page with <code>#demo</code>.
      </p>
    </div>
  );
}

export function TokenRefused() {
  const info = useHostInfo();
  return (
    <div className="nohost" role="alert">
      <h1>Ferry refused this page’s token</h1>
      <p>
        Ferry is running, but not with the token this page has: the address is old (Ferry was started with a new token) or it was mistyped.
        Nothing was changed.
      </p>
      {info ? <WhereTheUrlIs info={info} /> : null}
    </div>
  );
}
