// One http.Agent for every request of an attempt (got and tus-js-client take it), deciding per
// request, redirects included, whether it goes direct or through which proxy. The proxy protocols
// are the proxy-agents family's (CONNECT for https targets, absolute-URI forwarding for http,
// SOCKS through the `socks` package); this file only chooses among them and turns what they throw
// into a ProxyError that names the proxy. A failed proxy is an error: nothing here falls back to
// a direct connection.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { ProxyError } from './proxy-error';
import type { ProxyEndpoint } from '../../../shared/proxy-address';

export type ProxyRoute = { kind: 'direct' } | { kind: 'proxy'; endpoint: ProxyEndpoint };

/** Decides the route for one request's URL; throws a ProxyError when the setting cannot be used. */
export type RouteResolver = (url: URL) => ProxyRoute | Promise<ProxyRoute>;

/** The proxy each request went through, for answers that only a proxy gives (407). */
const proxiedRequests = new WeakMap<http.ClientRequest, ProxyEndpoint>();

export function proxyOfRequest(req: http.ClientRequest | undefined): ProxyEndpoint | undefined {
  return req ? proxiedRequests.get(req) : undefined;
}

export class RoutingAgent extends Agent {
  /** One agent per proxy and kind of target, made on first use. */
  private readonly agents = new Map<string, Promise<Agent>>();

  constructor(
    private readonly route: RouteResolver,
    /** Bound on reaching the proxy and its handshake (CONNECT answer, SOCKS negotiation). */
    private readonly handshakeTimeoutMs: number,
  ) {
    super();
  }

  async connect(req: http.ClientRequest, opts: AgentConnectOpts): Promise<Duplex | http.Agent> {
    const route = await this.route(targetUrl(req, opts));
    // Direct: Node's own agents, exactly as a request without a proxy.
    if (route.kind === 'direct') return opts.secureEndpoint ? https.globalAgent : http.globalAgent;
    const { endpoint } = route;
    proxiedRequests.set(req, endpoint);
    const hadCredentials = endpoint.username !== '' || endpoint.password !== '';
    let connectStatus: { statusCode?: number; statusText?: string } | undefined;
    const onProxyConnect = (answer: { statusCode?: number; statusText?: string }) => {
      connectStatus = answer;
    };
    req.once('proxyConnect', onProxyConnect);
    try {
      const connecting = this.agentFor(endpoint, opts.secureEndpoint).then((agent) => agent.connect(req, opts));
      const socket = await this.withinBound(connecting, endpoint);
      const status = connectStatus?.statusCode;
      if (status !== undefined && status !== 200) {
        // https-proxy-agent hands back a stand-in socket replaying the proxy's answer as if the
        // server had sent it; the proxy's refusal is ours to report, not the server's.
        socket.destroy();
        throw new ProxyError(endpoint.display, { kind: 'status', status, ...(connectStatus?.statusText ? { statusText: connectStatus.statusText } : {}) }, hadCredentials);
      }
      return socket;
    } catch (error) {
      throw asProxyError(endpoint, error, hadCredentials);
    } finally {
      req.off('proxyConnect', onProxyConnect);
    }
  }

  override destroy(): void {
    for (const agent of this.agents.values()) void agent.then((made) => made.destroy(), () => undefined);
    this.agents.clear();
    super.destroy();
  }

  /**
   * The proxy agents load with the first proxied request: `socks` and its IP address parser cost
   * every start of a `ferry get` without a proxy a few ms before its first request.
   */
  private agentFor(endpoint: ProxyEndpoint, secureTarget: boolean): Promise<Agent> {
    const socks = endpoint.scheme.startsWith('socks');
    const key = `${socks ? 'socks' : secureTarget ? 'connect' : 'forward'} ${endpoint.href}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = socks
        ? import('socks-proxy-agent').then(({ SocksProxyAgent }) => new SocksProxyAgent(endpoint.href))
        : secureTarget
          ? import('https-proxy-agent').then(({ HttpsProxyAgent }) => new HttpsProxyAgent(endpoint.href))
          : import('http-proxy-agent').then(({ HttpProxyAgent }) => new HttpProxyAgent(endpoint.href));
      this.agents.set(key, agent);
    }
    return agent;
  }

  private withinBound(connecting: Promise<Duplex | http.Agent>, endpoint: ProxyEndpoint): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new ProxyError(endpoint.display, { kind: 'timeout', ms: this.handshakeTimeoutMs }));
      }, this.handshakeTimeoutMs);
      connecting.then(
        (socket) => {
          clearTimeout(timer);
          // The proxy agents always give a socket; a late one has nobody waiting for it.
          if (late) (socket as Duplex).destroy?.();
          else resolve(socket as Duplex);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!late) reject(error);
        },
      );
    });
  }
}

function asProxyError(endpoint: ProxyEndpoint, error: unknown, hadCredentials: boolean): ProxyError {
  if (error instanceof ProxyError) return error;
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string') return new ProxyError(endpoint.display, { kind: 'connect', cause: error }, hadCredentials);
  const message = typeof e?.message === 'string' ? e.message : String(error);
  // The socks package reports socket errors by message only ("connect ECONNREFUSED 127.0.0.1:1080").
  const socketCode = /\b(E[A-Z]{4,})\b/.exec(message)?.[1];
  if (socketCode) return new ProxyError(endpoint.display, { kind: 'connect', cause: Object.assign(new Error(message), { code: socketCode }) }, hadCredentials);
  if (endpoint.scheme.startsWith('socks')) return new ProxyError(endpoint.display, { kind: 'socks', message }, hadCredentials);
  return new ProxyError(endpoint.display, { kind: 'connect', cause: error }, hadCredentials);
}

/** The URL a request is for, from what Node hands the agent (enough for the route: scheme, host, port). */
function targetUrl(req: http.ClientRequest, opts: AgentConnectOpts): URL {
  const scheme = opts.secureEndpoint ? 'https' : 'http';
  const rawHost = (opts as { hostname?: string }).hostname ?? opts.host ?? 'localhost';
  const host = rawHost.includes(':') && !rawHost.startsWith('[') ? `[${rawHost}]` : rawHost;
  const path = req.path.startsWith('/') ? req.path : '/';
  return new URL(`${scheme}://${host}:${opts.port}${path}`);
}
