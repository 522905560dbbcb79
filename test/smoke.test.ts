import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signedIn, type TestApp, testApp, textOf } from './harness.ts';

describe('the service', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('answers /ping and /health with the migrations current', async () => {
    expect((await t.app.inject('/ping')).json()).toEqual({ status: 'ok' });
    const health = await t.app.inject('/health');
    expect(health.statusCode).toBe(200);
    expect(health.json().migrations.current).toBe(true);
  });

  it('signs the demo administrator in and shows their organisation and name in the header', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const home = await admin.get('/');
    expect(home.statusCode).toBe(200);
    expect(textOf(home.body)).toContain('Northshire Teaching Hospitals NHS Foundation Trust');
    expect(textOf(home.body)).toContain('Robin Carter');
  });
});
