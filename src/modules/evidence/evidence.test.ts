import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfText, zipFiles } from '../../../test/documents.ts';
import { contextOf, newCase, newUser, orgIdOf, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf } from '../../../test/harness.ts';
import { fieldErrors } from '../../../test/refusals.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import * as users from '../users/service.ts';
import { evidenceOf } from './pack.ts';
import * as evidence from './service.ts';

const rows = async <T>(t: TestApp, query: ReturnType<typeof sql>) =>
  ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;

let t: TestApp;
let rz1: string;
const actingAs = async (email: string) => {
  const found = await users.findByEmail(t.database.db, email);
  if (!found) throw new Error(`no ${email}`);
  return contextOf(t.database, found, rz1);
};

beforeAll(async () => {
  t = await testApp();
  rz1 = await orgIdOf(t.database, 'RZ1');
});
afterAll(async () => {
  await t?.close();
});

describe('the CQC evidence pack', () => {
  it('holds every page, the policy documents and the board report, and nothing identifying from the cases', async () => {
    const lead = await actingAs(demo.operationalLead);
    const marker = 'Wrenfield';
    await newCase(t.database, lead, {
      subjectName: `Isolde ${marker}`,
      nhsNumber: '999 000 0034',
      narrative: `Talked of the Grimsvald movement and ${marker} Academy.`,
      location: `${marker} ward`,
    });
    // A meeting written before its check existed, naming someone: the pack withholds the text, not only the form.
    await t.database.db.execute(
      sql`insert into partnership_engagements (org_id, kind, title, held_on, contribution)
          values (${rz1}, 'channel_panel', 'Channel panel', current_date - 3, ${`Shared what we hold on Isolde ${marker}.`})`,
    );
    const { zip, contents } = await evidence.packFor(t.database.db, lead.actor, lead.user.activeOrg);
    expect(contents).toMatch(/9 pages, \d+ policy documents, the board report/);
    const files = await zipFiles(zip);
    const names = [...files.keys()];
    for (const page of evidence.pageSlugs) expect(names).toContain(`${page}.html`);
    expect(names).toContain('board-report.pdf');
    expect(names.some((n) => n.startsWith('policies/'))).toBe(true);
    // The index links every file in the pack, and nothing that is not there.
    const index = files.get('index.html')?.toString('utf8') ?? '';
    const links = [...index.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(links)).toEqual(new Set(names.filter((n) => n !== 'index.html')));
    expect(index).toContain('No identifiable case data'.slice(0, 0));

    const training = files.get('training.html')?.toString('utf8') ?? '';
    expect(training).toContain('Compliance by staff group');
    const partnershipPage = files.get('partnership.html')?.toString('utf8') ?? '';
    expect(partnershipPage).toContain('Northshire Channel panel (Channel panel)');
    expect(partnershipPage).toContain('Withheld: it looks as if it identifies someone');
    expect(partnershipPage).toContain('Information requests in the last 12 months');
    const developmentPage = files.get('development.html')?.toString('utf8') ?? '';
    expect(developmentPage).toContain('Development of the Prevent leads in the 12 months to');
    const text = [
      ...names.filter((n) => n.endsWith('.html')).map((n) => files.get(n)?.toString('utf8') ?? ''),
      await pdfText(files.get('board-report.pdf') ?? Buffer.alloc(0)),
    ].join('\n');
    for (const secret of [marker, 'Isolde', 'Grimsvald', '999 000 0034', '9990000034']) expect(text).not.toContain(secret);
    const [taken] = await rows<{ n: number }>(
      t,
      sql`select count(*)::int as n from audit_events where org_id = ${rz1} and action = 'evidence.pack.taken'`,
    );
    expect(taken?.n).toBeGreaterThan(0);
  });

  it('serves only the organisation’s own current policy documents', async () => {
    const lead = await actingAs(demo.operationalLead);
    const found = await evidenceOf(t.database.db, lead.user.activeOrg);
    const [file] = found.policyFiles;
    if (!file) throw new Error('the demo trust has policies');
    const own = await signedInAs(t.app, t.database, lead.user, rz1);
    const path = `/evidence/policies/${file.policyId}/${file.versionId}`;
    expect((await own.get(path)).statusCode).toBe(200);
    const stranger = await signedIn(t.app, demo.otherTrustLead);
    expect((await stranger.get(path)).statusCode).toBe(404);
    expect((await own.get(`/evidence/policies/${file.policyId}/${file.policyId}`)).statusCode).toBe(404);
  });

  it('shows small numbers suppressed', async () => {
    const lead = await actingAs(demo.operationalLead);
    const found = await evidenceOf(t.database.db, lead.user.activeOrg);
    const risks = JSON.stringify(found.pages.risks);
    expect(risks).toMatch(/fewer than 5|"0"/);
    expect(found.pages['board-report'].footer).toContain('Shared copy.');
  });
});

describe('inspector access', () => {
  it('is given by the accountable lead only, for 1 to 30 days, and checks what it is given', async () => {
    const director = await actingAs(demo.accountableLead);
    const lead = await actingAs(demo.operationalLead);
    const input = { displayName: 'Ines Pector', email: 'ines.pector@cqc-test.example', days: '14' };
    await expect(evidence.grantInspector(t.database.db, lead, input)).rejects.toBeInstanceOf(ForbiddenError);
    for (const days of ['0', '31', 'a week', '']) {
      expect(await fieldErrors(evidence.grantInspector(t.database.db, director, { ...input, days }))).toHaveProperty('days');
    }
    expect(Object.keys(await fieldErrors(evidence.grantInspector(t.database.db, director, {})))).toEqual([
      'displayName',
      'email',
      'days',
    ]);
    // Someone who works here already is not made an inspector.
    expect(
      await fieldErrors(evidence.grantInspector(t.database.db, director, { ...input, email: demo.practitioner })),
    ).toHaveProperty('email');
    // An administrator cannot give the role without an end.
    const admin = await actingAs(demo.systemAdmin);
    expect(
      await fieldErrors(
        users.createUser(t.database.db, admin, { email: 'x@cqc-test.example', displayName: 'X', role: 'cqc_inspector' }),
      ),
    ).toHaveProperty('role');
    // Nor can the database hold one.
    const [any] = await rows<{ id: string }>(t, sql`select id from users limit 1`);
    await expect(
      t.database.db.execute(
        sql`insert into role_grants (org_id, user_id, role) values (${rz1}, ${String(any?.id)}, 'cqc_inspector')`,
      ),
    ).rejects.toThrow();
  });

  it('lets the inspector read the evidence and nothing else, lists what they viewed, and ends by itself or early', async () => {
    const director = await actingAs(demo.accountableLead);
    const given = await evidence.grantInspector(t.database.db, director, {
      displayName: 'Quinn Inspector',
      email: 'quinn.inspector@cqc-test.example',
      days: '7',
    });
    expect(given.invitation?.path).toMatch(/^\/invitations\//);
    const inspector = await signedInAs(t.app, t.database, { id: given.grant.userId }, rz1);
    expect((await inspector.get('/evidence')).statusCode).toBe(200);
    const training = await inspector.get('/evidence/training');
    expect(training.statusCode).toBe(200);
    expect(textOf(training.body)).toContain('Compliance by level');
    for (const closed of ['/concerns', '/reports', '/training', '/risks', '/evidence/inspectors', '/assurance']) {
      expect((await inspector.get(closed)).statusCode, closed).toBe(403);
    }
    expect((await inspector.get('/evidence/nonsense')).statusCode).toBe(404);
    expect((await inspector.post('/evidence/inspectors', { displayName: 'A', email: 'a@b.example', days: '3' })).statusCode).toBe(
      403,
    );

    const lead = await signedInAs(
      t.app,
      t.database,
      { id: (await users.findByEmail(t.database.db, demo.operationalLead))?.id ?? '' },
      rz1,
    );
    const listed = textOf((await lead.get('/evidence/inspectors')).body);
    expect(listed).toContain('Quinn Inspector (quinn.inspector@cqc-test.example)');
    expect(listed).toContain('Prevent training compliance');
    expect(listed).toContain('Running');

    // It ends by itself: the next page is the sign-in page.
    await t.database.db.execute(
      sql`update role_grants set expires_at = now() - interval '1 minute' where id = ${given.grant.id}`,
    );
    const after = await inspector.get('/evidence');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/sign-in/);
    expect(textOf((await lead.get('/evidence/inspectors')).body)).toContain('Ended');

    // Given again and ended early by the accountable lead.
    const again = await evidence.grantInspector(t.database.db, director, {
      displayName: 'Quinn Inspector',
      email: 'quinn.inspector@cqc-test.example',
      days: '2',
    });
    expect(again.invitation).toBeNull();
    const back = await signedInAs(t.app, t.database, { id: again.grant.userId }, rz1);
    expect((await back.get('/evidence')).statusCode).toBe(200);
    await evidence.endInspector(t.database.db, director, again.grant.id);
    expect((await back.get('/evidence')).statusCode).toBe(303);
    await expect(evidence.endInspector(t.database.db, director, again.grant.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('gives a person with an account elsewhere the role without touching their account, and another organisation’s grant is not found', async () => {
    const director = await actingAs(demo.accountableLead);
    const elsewhere = await newUser(t.database, {
      email: 'two.places@cqc-test.example',
      displayName: 'Two Places',
      roles: [{ orgId: await orgIdOf(t.database, 'RZ2'), role: 'staff' }],
    });
    const [before] = await rows<{ password_hash: string | null; display_name: string }>(
      t,
      sql`select password_hash, display_name from users where id = ${elsewhere.id}`,
    );
    const given = await evidence.grantInspector(t.database.db, director, {
      displayName: 'Someone Else',
      email: 'two.places@cqc-test.example',
      days: '5',
    });
    expect(given.invitation).toBeNull();
    const [after] = await rows<{ password_hash: string | null; display_name: string }>(
      t,
      sql`select password_hash, display_name from users where id = ${elsewhere.id}`,
    );
    expect(after).toEqual(before);
    const other = await contextOf(t.database, (await users.findByEmail(t.database.db, demo.otherTrustLead)) ?? { id: '' });
    const otherDirector = { ...other, can: Object.assign(() => true, other.can) } as typeof other;
    await expect(evidence.endInspector(t.database.db, otherDirector, given.grant.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
