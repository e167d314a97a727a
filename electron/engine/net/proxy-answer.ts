// An answer only a proxy gives: 407 Proxy Authentication Required to a request it forwarded
// (plain http through an HTTP proxy; a refused CONNECT is caught in the agent). Every request path
// (downloads, raw and multipart uploads, tus) asks this before judging a status as the server's.
import type { Agent, IncomingMessage } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { ProxyError } from './proxy-error';
import { proxyOfRequest } from './routing-agent';

export function proxyRefusal(response: Pick<IncomingMessage, 'statusCode' | 'statusMessage'> & { req?: unknown }): ProxyError | undefined {
  if (response.statusCode !== 407) return undefined;
  const endpoint = proxyOfRequest(response.req as Parameters<typeof proxyOfRequest>[0]);
  if (!endpoint) return undefined;
  const hadCredentials = endpoint.username !== '' || endpoint.password !== '';
  return new ProxyError(endpoint.display, { kind: 'status', status: 407, ...(response.statusMessage ? { statusText: response.statusMessage } : {}) }, hadCredentials);
}

/** got's `agent` option for one agent serving both schemes (the routing agent handles TLS targets too). */
export function gotAgent(agent: Agent | undefined): { agent?: { http: Agent; https: HttpsAgent } } {
  return agent ? { agent: { http: agent, https: agent as HttpsAgent } } : {};
}
