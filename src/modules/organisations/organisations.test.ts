import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import * as organisations from './service.ts';

describe('organisations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('checks an ODS code against the shape for its kind', () => {
    expect(organisations.odsCodeProblem('QWO', 'icb')).toBeUndefined();
    expect(organisations.odsCodeProblem('RJ1', 'nhs_foundation_trust')).toBeUndefined();
    expect(organisations.odsCodeProblem('RJ1', 'nhs_trust')).toBeUndefined();
    expect(organisations.odsCodeProblem('NQ1', 'independent_provider')).toBeUndefined();
    expect(organisations.odsCodeProblem('8HV48', 'independent_provider')).toBeUndefined();
    expect(organisations.odsCodeProblem('Y56', 'nhse_region')).toBeUndefined();
    expect(organisations.odsCodeProblem('RJ1', 'icb')).toMatch(/starting with Q/);
    expect(organisations.odsCodeProblem('QWO', 'nhs_trust')).toMatch(/starting with R/);
    expect(organisations.odsCodeProblem('RAB', 'independent_provider')).toMatch(/not starting with Q, R or Y/);
    expect(organisations.odsCodeProblem('YAB', 'nhse_region')).toMatch(/Y and 2 digits/);
  });

  it('lets an ICB administrator add a provider that the ICB then commissions, audited', async () => {
    const icbAdmin = await signedIn(t.app, demo.icbAdmin);
    expect((await icbAdmin.get('/organisations/new')).statusCode).toBe(200);
    const added = await icbAdmin.post('/organisations', {
      odsCode: 'rx9',
      kind: 'nhs_trust',
      name: 'Fellside NHS Trust',
      region: 'Northshire',
    });
    expect(added.statusCode).toBe(303);
    const created = await organisations.findByOdsCode(t.database.db, 'RX9');
    const icb = await organisations.findByOdsCode(t.database.db, 'QZZ');
    expect(created).toMatchObject({ name: 'Fellside NHS Trust', kind: 'nhs_trust', commissionerId: icb?.id });
    expect(textOf((await icbAdmin.get(added.headers.location as string)).body)).toContain(
      'NHS Northshire Integrated Care Board (QZZ)',
    );
    const audit = await t.database.db.execute(
      sql`select action from audit_events where record_id = ${created?.id ?? ''} order by seq`,
    );
    expect((audit as unknown as { rows: { action: string }[] }).rows.map((r) => r.action)).toEqual([
      'organisation.created',
      'organisation.commissioned',
    ]);
  });

  it('explains each mistake next to its field and adds nothing', async () => {
    const icbAdmin = await signedIn(t.app, demo.icbAdmin);
    const before = (await organisations.listAll(t.database.db)).length;
    const cases: [Record<string, string>, string][] = [
      [{ odsCode: '', kind: 'nhs_trust', name: 'X', region: 'R' }, 'Enter the ODS code'],
      [{ odsCode: 'QAB', kind: 'nhs_trust', name: 'X', region: 'R' }, 'a trust code is 3 characters starting with R'],
      [{ odsCode: 'RZ1', kind: 'nhs_trust', name: 'X', region: 'R' }, 'already exists'],
      [{ odsCode: 'RX8', kind: 'icb', name: 'X', region: 'R' }, 'Choose an NHS foundation trust'],
      [{ odsCode: 'RX8', name: 'X', region: 'R' }, 'Choose the kind of organisation'],
      [{ odsCode: 'RX8', kind: 'nhs_trust', name: '', region: 'R' }, 'Enter the organisation’s name'],
    ];
    for (const [fields, message] of cases) {
      const response = await icbAdmin.post('/organisations', fields);
      expect(response.statusCode, message).toBe(400);
      expect(textOf(response.body)).toContain('There is a problem');
      expect(textOf(response.body)).toContain(message);
    }
    expect((await organisations.listAll(t.database.db)).length).toBe(before);
  });

  it('tells a provider’s administrator that its ICB adds providers, and refuses the form', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    expect(textOf((await admin.get('/organisations/new')).body)).toContain(
      'added by the system administrator of the integrated care board',
    );
    const response = await admin.post('/organisations', { odsCode: 'RX7', kind: 'nhs_trust', name: 'X', region: 'R' });
    expect(response.statusCode).toBe(400);
    expect(await organisations.findByOdsCode(t.database.db, 'RX7')).toBeUndefined();
  });

  it('lets a provider’s administrator rename their organisation but not move it to another ICB', async () => {
    const admin = await signedIn(t.app, demo.systemAdmin);
    const rz1 = await organisations.findByOdsCode(t.database.db, 'RZ1');
    const renamed = await admin.post(`/organisations/${rz1?.id}`, {
      name: 'Northshire Teaching Hospitals NHS FT',
      region: 'Northshire',
      commissionerOds: 'QZZ',
    });
    expect(renamed.statusCode).toBe(303);
    const moved = await admin.post(`/organisations/${rz1?.id}`, { name: 'Moved', region: 'Northshire', commissionerOds: '' });
    expect(moved.statusCode).toBe(400);
    expect(textOf(moved.body)).toContain('Only the commissioning ICB can change who commissions this organisation');
    expect((await organisations.findByOdsCode(t.database.db, 'RZ1'))?.name).toBe('Northshire Teaching Hospitals NHS FT');
  });
});
