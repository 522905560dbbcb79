import { describe, expect, it } from 'vitest';
import { behindProxy, ConfigError, loadConfig } from '../config.ts';

const problemWith = (value: string): string => {
  try {
    loadConfig({ TRUST_PROXY: value });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`TRUST_PROXY=${value} was accepted`);
};

describe('TRUST_PROXY: which proxies’ X-Forwarded-For to believe', () => {
  it('trusts no proxy when unset, empty or false (or 0 or no, as before)', () => {
    for (const env of [{}, { TRUST_PROXY: '' }, { TRUST_PROXY: 'false' }, { TRUST_PROXY: '0' }, { TRUST_PROXY: 'no' }]) {
      const config = loadConfig(env);
      expect(config.trustProxy).toBe(false);
      expect(behindProxy(config)).toBe(false);
    }
  });

  it('takes a hop count: the number of proxies in front of the service', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(behindProxy(loadConfig({ TRUST_PROXY: '1' }))).toBe(true);
  });

  it('takes the proxies’ addresses and ranges, IPv4 and IPv6, separated by commas', () => {
    const config = loadConfig({ TRUST_PROXY: '10.0.0.5, 10.0.1.0/24,fd00::/8 ,::1' });
    expect(config.trustProxy).toEqual(['10.0.0.5', '10.0.1.0/24', 'fd00::/8', '::1']);
    expect(behindProxy(config)).toBe(true);
  });

  it('refuses true, which believed anyone’s X-Forwarded-For, saying why and what to write instead', () => {
    for (const value of ['true', 'TRUE', 'yes']) {
      const message = problemWith(value);
      expect(message).toContain('TRUST_PROXY');
      expect(message).toContain('any visitor');
      expect(message).toContain('number of proxies');
      expect(message).toContain('10.0.0.5');
    }
  });

  it('refuses a range that takes in every address, as true did', () => {
    for (const value of ['0.0.0.0/0', '::/0', '10.0.0.5,0.0.0.0/0']) {
      expect(problemWith(value)).toMatch(/TRUST_PROXY: .*\/0.* every address/);
    }
  });

  it('names the entry that is not an address or range', () => {
    for (const [value, bad] of [
      ['proxy.example.nhs.uk', 'proxy.example.nhs.uk'],
      ['10.0.0.5,10.0.0.300', '10.0.0.300'],
      ['10.0.0.0/33', '10.0.0.0/33'],
      ['fd00::/129', 'fd00::/129'],
      ['10.0.0.0/8/1', '10.0.0.0/8/1'],
      ['10.0.0.5,,10.0.0.6', ''],
      ['-1', '-1'],
      ['1.5', '1.5'],
    ] as const) {
      const message = problemWith(value);
      expect(message, value).toContain('TRUST_PROXY');
      expect(message, value).toContain(`“${bad}” is not`);
    }
  });
});
