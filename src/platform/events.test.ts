import { afterAll, describe, expect, it, vi } from 'vitest';
import { wireModules } from '../app.ts';
import { defineEvent, emit, on, useEventSubscriptions } from './events.ts';

describe('events between modules', () => {
  afterAll(() => {
    wireModules();
  });

  const noticed = defineEvent<{ what: string }>('test.noticed');

  it('runs every subscriber in the order given, and lets a failure reach the emitter', async () => {
    const heard: string[] = [];
    useEventSubscriptions([
      on(noticed, async ({ what }) => {
        heard.push(`first: ${what}`);
      }),
      on(defineEvent<unknown>('test.other'), async () => {
        heard.push('never');
      }),
      on(noticed, async ({ what }) => {
        heard.push(`second: ${what}`);
      }),
    ]);
    await emit(noticed, { what: 'a referral' });
    expect(heard).toEqual(['first: a referral', 'second: a referral']);

    useEventSubscriptions([
      on(noticed, async () => {
        throw new Error('the review could not start');
      }),
    ]);
    await expect(emit(noticed, { what: 'x' })).rejects.toThrow('the review could not start');
  });

  it('refuses an event emitted before the modules are wired, rather than let it go unheard', async () => {
    // A fresh copy of the module, as a process that has not wired its modules has.
    vi.resetModules();
    const fresh = await import('./events.ts');
    await expect(fresh.emit(noticed, { what: 'x' })).rejects.toThrow('before the modules were wired');
  });
});
