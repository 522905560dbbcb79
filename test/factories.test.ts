import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newCase, newOrganisation, newUser, orgIdOf, signedInAs } from './factories.ts';
import { type TestApp, testApp, textOf } from './harness.ts';

describe('test factories build exactly the state a test asks for', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('signs a new Prevent lead in without the sign-in form, and their case is theirs to open', async () => {
    const trust = await newOrganisation(t.database, { odsCode: 'RF1', name: 'Factory Test NHS Trust', kind: 'nhs_trust' });
    const lead = await newUser(t.database, {
      email: 'lead@factory-test.example',
      displayName: 'Fay Factory',
      roles: [{ orgId: trust.id, role: 'operational_lead' }],
    });
    const raised = await newCase(t.database, await contextOf(t.database, lead), { subjectName: 'Quinn Factory' });

    const visitor = await signedInAs(t.app, t.database, lead);
    const page = await visitor.get(`/concerns/${raised.id}`);
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('Quinn Factory');
    expect(textOf(page.body)).toContain(raised.reference);
  });

  it('a session written for one organisation acts for that one', async () => {
    const lead = await newUser(t.database, {
      email: 'two-orgs@factory-test.example',
      displayName: 'Tove Factory',
      roles: [
        { orgId: await orgIdOf(t.database, 'RZ1'), role: 'staff' },
        { orgId: await orgIdOf(t.database, 'RZ2'), role: 'system_admin' },
      ],
    });
    const visitor = await signedInAs(t.app, t.database, lead, await orgIdOf(t.database, 'RZ2'));
    expect((await visitor.get('/users')).statusCode).toBe(200);
    const other = await signedInAs(t.app, t.database, lead, await orgIdOf(t.database, 'RZ1'));
    expect((await other.get('/users')).statusCode).toBe(403);
  });
});
