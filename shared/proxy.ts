// How transfers reach the network, as settings and requests carry it: the system's proxy settings
// (the desktop app asks the OS per URL, PAC and WPAD included; the CLI and headless hosts read
// http_proxy & co.), no proxy, or proxies given by hand with aria2's names. A password in a proxy
// address never reaches a record or a settings file: the hosts keep it in their secret store and
// write a reference in its place (electron/engine/net/proxy-secret.ts).
import { z } from 'zod';
import { maskUrlPasswords } from './secret-mask';

const proxyAddress = z
  .string()
  .max(2048)
  .regex(/^[^\s\0]*$/, 'a proxy address has no spaces or control characters');

export const proxyChoiceSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('system') }),
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({
    mode: z.literal('manual'),
    /** For every URL without a scheme-specific proxy (aria2's all-proxy). */
    all: proxyAddress.optional(),
    http: proxyAddress.optional(),
    https: proxyAddress.optional(),
    /** curl's no_proxy list: hosts, .domains, IPs, CIDR blocks, host:port; `*` for all. */
    noProxy: z.string().max(8192).regex(/^[^\r\n\0]*$/).optional(),
  }),
]);
export type ProxyChoice = z.infer<typeof proxyChoiceSchema>;

export const SYSTEM_PROXY: ProxyChoice = { mode: 'system' };

/** A choice as every view shows it: the addresses' passwords (secret references) masked. */
export function maskedProxyChoice(choice: ProxyChoice): ProxyChoice {
  if (choice.mode !== 'manual') return choice;
  const masked: ProxyChoice = { ...choice };
  for (const field of ['all', 'http', 'https'] as const) if (masked[field]) masked[field] = maskUrlPasswords(masked[field]!);
  return masked;
}
