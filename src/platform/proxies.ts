import { isIP } from 'node:net';

/**
 * Whose X-Forwarded-For to believe: no one's, the proxies a number of hops in front of the service,
 * or the proxies at these addresses and ranges. Believing anyone's would let any visitor choose the
 * address that sign-in limits count.
 */
export type TrustedProxies = false | number | string[];

const howToWrite =
  'Write false (no proxy), the number of proxies in front of the service (like 1), or their addresses or ranges separated by commas (like 10.0.0.5,10.0.1.0/24)';

/** TRUST_PROXY as written, or the problem with it. Unset, empty, false, 0 and no all mean no proxy. */
export function parseTrustedProxies(text: string | undefined): { proxies: TrustedProxies } | { problem: string } {
  const value = (text ?? '').trim();
  if (['', 'false', 'no'].includes(value.toLowerCase()) || /^0+$/.test(value)) return { proxies: false };
  if (['true', 'yes'].includes(value.toLowerCase())) {
    return {
      problem: `${value} is no longer accepted: it believed X-Forwarded-For from anyone, so any visitor could choose the address that sign-in limits count. ${howToWrite}`,
    };
  }
  if (/^\d+$/.test(value)) return { proxies: Number(value) };
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem) return { problem: `“${entry}” ${problem}. ${howToWrite}` };
  }
  return { proxies: entries };
}

function entryProblem(entry: string): string | null {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return 'is not an IP address or CIDR range';
  if (prefix === undefined) return null;
  const longest = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > longest) return 'is not an IP address or CIDR range';
  if (Number(prefix) === 0) return 'takes in every address, as true did';
  return null;
}

/**
 * Fastify's trustProxy for these proxies. Fastify no longer takes a bare hop count (a client that
 * reaches the service directly could add hops of its own), so a count is a trust function here; it
 * is only safe when nothing but the proxies can reach the service, as the README says.
 */
export function fastifyTrustProxy(proxies: TrustedProxies): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof proxies === 'number') return (_address, hop) => hop < proxies;
  return proxies;
}
