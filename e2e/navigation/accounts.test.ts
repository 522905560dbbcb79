import { describe, expect, it } from 'vitest';
import { demo } from '../../test/harness.ts';
import { accounts, groups, navigationOf } from './navigation.ts';

describe('the demo accounts in the navigation tests', () => {
  it('are every demo account, each in one group, and navigationFor gives each role what it is for', () => {
    expect(accounts.map((a) => a.key).sort()).toEqual(Object.keys(demo).sort());
    expect(Object.values(groups).flat().sort()).toEqual(Object.keys(demo).sort());
    for (const account of accounts) {
      const navigation = navigationOf(account.role);
      for (const item of account.sees) expect(navigation, `${account.key} must see ${item}`).toContain(item);
      for (const item of account.never) expect(navigation, `${account.key} must not see ${item}`).not.toContain(item);
    }
    expect(navigationOf('staff')).toEqual(['Home', 'Raise a concern', 'My training']);
  });
});
