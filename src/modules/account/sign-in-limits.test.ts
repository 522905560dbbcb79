import { describe, expect, it } from 'vitest';
import { addressDelaySeconds, addressWaitMessage, freeAddressFailures } from './sign-in-limits.ts';

describe('the wait before another sign-in from an address with recent failures', () => {
  it('lets an address fail a few times freely, then doubles the wait from 1 second, up to a minute', () => {
    const delays = Array.from({ length: 21 }, (_, failures) => addressDelaySeconds(failures));
    expect(freeAddressFailures).toBe(10);
    expect(delays).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
  });

  it('never asks for more than a minute, however many failures', () => {
    for (const failures of [50, 500, 10_000, Number.MAX_SAFE_INTEGER]) expect(addressDelaySeconds(failures)).toBe(60);
  });

  it('says how many seconds to wait', () => {
    expect(addressWaitMessage(8)).toBe('Too many failed sign-ins from your network. Wait 8 seconds and try again');
    expect(addressWaitMessage(1)).toBe('Too many failed sign-ins from your network. Wait 1 second and try again');
  });
});
