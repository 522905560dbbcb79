import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signedIn, type TestApp, testApp, textOf } from '../harness.ts';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());
  it('walks', async () => {
    const staff = await signedIn(t.app, demo.staff);
    const form = await staff.get('/concerns/new');
    expect(form.statusCode).toBe(200);
    const bad = await staff.post('/concerns', { subjectType: 'patient' });
    expect(bad.statusCode).toBe(400);
    console.log(textOf(bad.body).slice(0, 600));
    const ok = await staff.post('/concerns', {
      immediateRisk: 'no',
      subjectType: 'patient',
      subjectName: 'Zed Example',
      nhsNumber: '999 000 0018',
      dateOfBirth: '1990-01-02',
      narrative: 'Said things',
      observedOn: '2026-11-20',
      observedTime: '10:00',
      location: 'Ward 3',
    });
    expect(ok.statusCode, textOf(ok.body).slice(150, 450)).toBe(303);
    const receipt = await staff.get(ok.headers.location as string);
    console.log(textOf(receipt.body).slice(0, 400));
    const lead = await signedIn(t.app, demo.operationalLead);
    const list = await lead.get('/concerns');
    expect(list.statusCode, list.body.slice(0, 2000)).toBe(200);
    const id = /\/concerns\/([0-9a-f-]{36})/.exec(ok.headers.location as string)?.[1];
    const page = await lead.get(`/concerns/${id}`);
    expect(page.statusCode, page.body.slice(0, 3000)).toBe(200);
    console.log(textOf(page.body).slice(0, 1500));
    const mv = await lead.post(`/concerns/${id}/moves`, { to: 'triage', reason: 'Looking' });
    expect(mv.statusCode, textOf(mv.body).slice(0, 1500)).toBe(303);
    const pr = await signedIn(t.app, demo.practitioner);
    const denied = await pr.get(`/concerns/${id}`);
    expect(denied.statusCode).toBe(403);
    const bg = await pr.post(`/concerns/${id}/break-glass`, { reason: 'Patient is on my ward today and needs a plan' });
    expect(bg.statusCode, textOf(bg.body).slice(0, 800)).toBe(303);
    expect((await pr.get(`/concerns/${id}`)).statusCode).toBe(200);
    const chron = await lead.get(`/concerns/${id}/chronology`);
    console.log(textOf(chron.body).slice(0, 1500));
  });
});
