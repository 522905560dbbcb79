/**
 * Sign-in failures from one network address. An NHS trust's staff reach the service through a
 * handful of addresses, so an address is slowed, never shut: a few failures are free, then each
 * further attempt waits a little longer after the address's last failure, up to a minute. Guessing
 * one person's password is stopped by the account's own lock (5 failures, 15 minutes).
 */

/** How far back an address's failures count. */
export const addressWindowMinutes = 15;
/** Failures in the window that cost nothing: typing mistakes on a busy shared address. */
export const freeAddressFailures = 10;
const firstDelaySeconds = 1;
const longestDelaySeconds = 60;

/** Seconds an address must wait after its last failure, given its failures in the window. */
export function addressDelaySeconds(failures: number): number {
  const beyond = failures - freeAddressFailures;
  if (beyond <= 0) return 0;
  return Math.min(longestDelaySeconds, firstDelaySeconds * 2 ** (beyond - 1));
}

export function addressWaitMessage(seconds: number): string {
  return `Too many failed sign-ins from your network. Wait ${seconds} ${seconds === 1 ? 'second' : 'seconds'} and try again`;
}
