/**
 * Addresses as the request log shows them. Query strings can hold what someone searched for (an
 * NHS number on the case list), and some paths carry a secret: a one-time invitation link lets
 * whoever holds it set the account's password. Anyone who reads the log must not be able to use it.
 */
const secretInPath = [/(\/invitations\/)[^/]+/gi];

export const redacted = '[redacted]';

export function loggedUrl(url: string): string {
  let path = url.split('?')[0] ?? '';
  for (const pattern of secretInPath) path = path.replace(pattern, `$1${redacted}`);
  return path;
}
