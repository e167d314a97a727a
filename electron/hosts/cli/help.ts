// Help texts. Kept apart from parsing so wording changes touch one file.

const OVERVIEW = `ferry: downloads and uploads that survive pause, restart and crash

Usage:
  ferry get <url>... [options]         download files (-i FILE: a list of links)
  ferry put <file>... <url> [options]  upload files
  ferry serve [--port N] [--host ADDR] [--new-token] run the headless web host
  ferry rpc [--port N] [--rpc-secret S] run the aria2-compatible JSON-RPC alone
  ferry rules [list|add|remove|move]   rules that file downloads into folders
  ferry help <command>                 details for one command

Running the same get (or put --tus) again with the same --data-dir continues an
interrupted transfer, also after the process was killed.

Exit status: 0 all completed, 1 a transfer failed, 2 usage error, 130 interrupted.`;

const PROXY = `  --all-proxy URL     proxy for every URL: http://[user:pass@]host[:port], socks5://, socks5h://
                      (remote DNS); default: all_proxy / ALL_PROXY; "" for none
  --http-proxy URL    proxy for http:// URLs (default: http_proxy)
  --https-proxy URL   proxy for https:// URLs (default: https_proxy / HTTPS_PROXY)
  --no-proxy LIST     hosts that go direct: names (and their subdomains), .domains, IPs, CIDR,
                      host:port, or * (default: no_proxy / NO_PROXY)`;

const COMMON = `${PROXY}
  --limit RATE        total speed limit for this command: 500K, 2M, 1.5MB/s (K/M/G = 1024-based)
  --data-dir DIR      records and resume data (default: per-user data folder)
  -q, --quiet         print only the result of each finished transfer
  -h, --help          this help`;

const GET = `Usage: ferry get <url>... [options]
       ferry get -i FILE [options]

Downloads each URL into --dir, else into Ferry's download folder (Settings;
~/Downloads by default), and prints the path of each saved file. The file is written as <name>.part and renamed when
complete (and verified, with --sha256). A URL that serves an HLS playlist or a DASH
manifest is saved as the video itself, one file (MP4 where ffmpeg is installed).

Options:
  -i, --input-file FILE  the URLs listed in FILE (- for standard input), in aria2's
                      input-file format: a URL per line (TAB-separated mirrors: the
                      first is used), then indented option lines for it: dir=, out=,
                      checksum=sha-256=HEX, header=, split=, all-proxy= ...; # comments
  -d, --dir DIR       folder to save into (default: the download folder from
                      Settings, ~/Downloads; --dir . for the current folder)
  -o, --out NAME      file name to save as (only with a single URL)
  --sha256 HEX        expected SHA-256 of the file; a mismatch fails the download
  --checksum=sha-256=HEX  the same, in aria2's words
  -x, --connections N connections per file, 1-32, opened at once; without it up to 16,
                      opened when one connection proves slow (used when the server serves
                      ranges and the file is 2 MiB or more)
  --variant CHOICE    for a video stream (HLS playlist, DASH manifest): best (default),
                      worst, WIDTHxHEIGHT (1280x720) or a bandwidth in bits/s (the highest
                      variant at or below it)
  --detach            when a running Ferry (app, serve, rpc) owns the data folder: hand the
                      downloads to it and return at once (without it: follow them to the end;
                      with no running Ferry it has no effect)
${COMMON}

With --quiet, prints the path of each finished file, one per line.`;

const PUT = `Usage: ferry put <file>... <url> [options]

Uploads each file to the URL. The file is first copied into Ferry's staging folder;
the upload reads only that copy, so the original is never touched. A URL ending in
'/' gets the file name appended; '{filename}' in the URL is replaced by it.

Options:
  -X, --method PUT|POST     HTTP method for raw and multipart (default: PUT raw, POST multipart)
  --multipart FIELD         send multipart/form-data with the file in form field FIELD
  -F, --field NAME=VALUE    extra text field for --multipart (repeatable)
  --tus                     resumable upload with the tus 1.0 protocol (URL = tus endpoint)
  -H, --header "Name: v"    extra request header (repeatable)
  --detach                  when a running Ferry (app, serve, rpc) owns the data folder: hand the
                            uploads to it and return at once (without it: follow them to the end;
                            with no running Ferry it has no effect)
${COMMON}

Raw and multipart uploads restart from byte 0 when resumed; tus continues from the
server's offset. With --quiet, prints where each upload landed (Location, else URL).`;

const SERVE = `Usage: ferry serve [options]

Runs the headless web host over the transfer engine. Its URL stays the same across
restarts (port and token are kept in the data folder, in the file ui-url).

Options:
  -p, --port N        port to listen on (default: the one used last, else 6801; when that
                      one is taken, any free port, said on start)
  --new-token         make a new token: URLs given out before stop working
  --host ADDR         address to bind (default: the host's own default, loopback)
  --data-dir DIR      records and resume data (default: per-user data folder)
${PROXY}
                      (used while Settings › Proxy says "system", the default)
  -h, --help          this help`;

const RPC = `Usage: ferry rpc [options]

Runs the transfer engine behind an aria2-compatible JSON-RPC (POST and WebSocket on
http://127.0.0.1:PORT/jsonrpc), for AriaNg, browser extensions and other aria2 clients.
Prints the endpoint; stops on Ctrl-C or an aria2.shutdown call.

Options:
  -p, --port N, --rpc-listen-port N   port on 127.0.0.1 (default 6800)
  --rpc-secret S      the secret clients send as token:S, 16 to 128 characters (default: the
                      one Ferry made at first run, in <data dir>/rpc-secret)
  --rpc-allow-origin-all  let any web page call (with the secret), e.g. a hosted AriaNg; by
                      default only scripts, Ferry's extension and origins listed in Settings
  --data-dir DIR      records and resume data (default: per-user data folder)
${PROXY}
                      (used while Settings › Proxy says "system", the default)
  -h, --help          this help`;

const RULES = `Usage: ferry rules [list]
       ferry rules add --name NAME (--match LIST | --mime LIST | --site LIST | --url-pattern P)
                       --dir FOLDER [--connections N] [--limit RATE] [--paused] [--to N]
       ferry rules remove|enable|disable NAME
       ferry rules move NAME --to N

Rules file every download that names no folder of its own (ferry get without --dir, the
app's add dialog left on its rule, an aria2 addUri without dir, the browser extension's
downloads). They are tried in order and the first that matches wins; the file's final
name counts (after redirects and Content-Disposition). The built-in rules (Compressed,
Documents, Music, Video, Programs, Images) can be changed, switched off or removed.
When a Ferry runs on the data folder, the change reaches it at once.

Options for add (a rule with the name of an existing one replaces it):
  --name NAME         the rule's name
  --match LIST        file names: iso or *.iso (comma-separated, repeatable)
  --mime LIST         Content-Type values: application/pdf, video/*
  --site LIST         hosts; each with its subdomains (example.com: dl.example.com too)
  --url-pattern P     the whole URL, * for any characters: https://example.com/builds/*
                      (everything a rule names must match; --match and --mime count as one)
  -d, --dir FOLDER    where its files go: a full path, or a folder inside the download
                      folder (Images: ~/Downloads/Images)
  -x, --connections N connections for its downloads (1-32)
  --limit RATE        speed limit for each of its downloads: 500K, 2M
  --paused            its downloads are added paused
  --to N              its place in the order (default 1, the first)
  --data-dir DIR      whose settings (default: per-user data folder)`;

export function helpText(topic?: 'get' | 'put' | 'serve' | 'rpc' | 'rules'): string {
  if (topic === 'rules') return RULES;
  if (topic === 'rpc') return RPC;
  if (topic === 'get') return GET;
  if (topic === 'put') return PUT;
  if (topic === 'serve') return SERVE;
  return OVERVIEW;
}
