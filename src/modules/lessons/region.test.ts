import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { hiddenText } from '../../platform/suppression.ts';
import { heldBackText, type RegionalStudy, regionalThemeCounts } from './region-service.ts';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

describe('the regional lead’s learning', () => {
  let t: TestApp;
  let regional: Visitor;
  let lead: Visitor;
  let commissioner: Visitor;

  const query = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t.database.db.execute(q));
  const audits = (action: string, id: string) =>
    query(sql`select 1 from audit_events where action = ${action} and record_id = ${id}`);
  const demoCopies = () =>
    query<{ id: string; title: string; case_study_id: string }>(
      sql`select s.id, s.title, s.case_study_id from shared_case_studies s join organisations o on o.id = s.group_org_id
          where o.ods_code = 'QZZ' order by s.shared_at`,
    );

  /**
   * A shared copy in the group of `icbId`, made in the database as set-up: it borrows a demo case study's
   * review and case (a copy needs a case study of its own), which the region never reads.
   */
  async function aSharedCopy(icbId: string, fromOrgId: string, title: string, body: string, themes: string[]) {
    const [study] = await query<{ id: string }>(sql`
      insert into case_studies (org_id, review_id, case_id, title, themes, status, approved_text)
      select org_id, review_id, case_id, ${title}, string_to_array(${themes.join('|')}, '|'), 'approved', ${body}
      from case_studies limit 1 returning id`);
    const [copy] = await query<{ id: string }>(sql`
      insert into shared_case_studies (group_org_id, from_org_id, case_study_id, title, body, themes, shared_by_name)
      values (${icbId}, ${fromOrgId}, ${study?.id}, ${title}, ${body}, string_to_array(${themes.join('|')}, '|'), 'Test Lead')
      returning id`);
    return copy?.id ?? '';
  }

  beforeAll(async () => {
    t = await testApp();
    regional = await signedIn(t.app, demo.regionalLead);
    lead = await signedIn(t.app, demo.operationalLead);
    commissioner = await signedIn(t.app, demo.commissioner);
  });
  afterAll(() => t.close());

  it('shows the demo region’s lead the approved case studies of its groups, and never a case', async () => {
    const copies = await demoCopies();
    expect(copies.length).toBeGreaterThanOrEqual(2);
    const page = await regional.get('/learning/region');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    for (const c of copies) expect(text).toContain(c.title);
    expect(text).toContain('NHS Northshire Integrated Care Board');
    expect(text).toContain('online radicalisation');
    expect(text).toContain(hiddenText); // two studies: every count is small
    expect(page.body).not.toMatch(/href="\/(concerns|lessons)\/[0-9a-f]/);

    const read = await regional.get(`/learning/region/case-studies/${copies[0]?.id}`);
    expect(read.statusCode).toBe(200);
    expect(await audits('regional_case_study.read', copies[0]?.id ?? '')).toHaveLength(1);

    // The case behind a study, and the groups themselves, are not the region's.
    const [study] = await query<{ case_id: string; review_id: string }>(
      sql`select case_id, review_id from case_studies where id = ${copies[0]?.case_study_id}`,
    );
    expect([403, 404]).toContain((await regional.get(`/concerns/${study?.case_id}`)).statusCode);
    expect([403, 404]).toContain((await regional.get(`/lessons/reviews/${study?.review_id}`)).statusCode);
    expect([403, 404]).toContain((await regional.get(`/lessons/case-studies/${copies[0]?.case_study_id}`)).statusCode);
    expect((await regional.get('/learning')).statusCode).toBe(403);
  });

  it('features a case study for regional learning with who and when, lists it first, and takes it out again', async () => {
    const copies = await demoCopies();
    const last = copies.at(-1);
    const first = copies[0];
    // The latest shared comes first until the earliest is featured.
    const before = textOf((await regional.get('/learning/region')).body);
    expect(before.indexOf(last?.title ?? '')).toBeLessThan(before.indexOf(first?.title ?? ''));

    const featured = await regional.post(`/learning/region/case-studies/${first?.id}/feature`, {});
    expect(featured.statusCode).toBe(303);
    const [row] = await query<{ featured_by_name: string; org: string }>(sql`
      select f.featured_by_name, o.ods_code as org from regional_featured_case_studies f join organisations o on o.id = f.org_id
      where f.shared_case_study_id = ${first?.id}`);
    expect(row).toEqual({ featured_by_name: 'Harper Lowe', org: 'Y99' });
    expect(await audits('regional_case_study.featured', first?.id ?? '')).toHaveLength(1);
    // Featuring twice records it once.
    expect((await regional.post(`/learning/region/case-studies/${first?.id}/feature`, {})).statusCode).toBe(303);
    expect(await audits('regional_case_study.featured', first?.id ?? '')).toHaveLength(1);

    const after = textOf((await regional.get('/learning/region')).body);
    expect(after.indexOf(first?.title ?? '')).toBeLessThan(after.indexOf(last?.title ?? ''));
    expect(after).toContain('Featured by Harper Lowe');

    expect((await regional.post(`/learning/region/case-studies/${first?.id}/unfeature`, {})).statusCode).toBe(303);
    expect(await query(sql`select 1 from regional_featured_case_studies where shared_case_study_id = ${first?.id}`)).toEqual([]);
    expect(await audits('regional_case_study.unfeatured', first?.id ?? '')).toHaveLength(1);
  });

  it('lets only the regional lead in: providers’ leads and the commissioner get 403', async () => {
    const [copy] = await demoCopies();
    for (const visitor of [lead, commissioner]) {
      expect((await visitor.get('/learning/region')).statusCode).toBe(403);
      expect((await visitor.get(`/learning/region/case-studies/${copy?.id}`)).statusCode).toBe(403);
      expect((await visitor.post(`/learning/region/case-studies/${copy?.id}/feature`, {})).statusCode).toBe(403);
    }
    expect(await query(sql`select 1 from regional_featured_case_studies`)).toEqual([]);
  });

  it('counts themes across a region’s groups through the gate, holds back what looks identifying, and 404s another region’s', async () => {
    const area = 'Test Region for Learning';
    const region = await newOrganisation(t.database, { odsCode: 'Y71', name: 'Test Region', kind: 'nhse_region', region: area });
    const icbA = await newOrganisation(t.database, { odsCode: 'QT1', name: 'Test ICB A', kind: 'icb', region: area });
    const icbB = await newOrganisation(t.database, { odsCode: 'QT2', name: 'Test ICB B', kind: 'icb', region: area });
    const trustA = await newOrganisation(t.database, {
      odsCode: 'RT1',
      name: 'Test Trust A',
      kind: 'nhs_trust',
      commissionerOds: 'QT1',
      region: area,
    });
    const trustB = await newOrganisation(t.database, {
      odsCode: 'RT2',
      name: 'Test Trust B',
      kind: 'nhs_trust',
      commissionerOds: 'QT2',
      region: area,
    });
    const elsewhere = await newOrganisation(t.database, {
      odsCode: 'QT3',
      name: 'Elsewhere ICB',
      kind: 'icb',
      region: 'Elsewhere',
    });
    const elsewhereTrust = await newOrganisation(t.database, {
      odsCode: 'RT3',
      name: 'Elsewhere Trust',
      kind: 'nhs_trust',
      commissionerOds: 'QT3',
      region: 'Elsewhere',
    });

    // Online radicalisation 7 (shown as 5), information sharing 8 (10), out of hours 3 (hidden), estates 5 (5).
    const themed: string[][] = [
      ['online radicalisation', 'information sharing', 'estates'],
      ['online radicalisation', 'information sharing', 'estates'],
      ['online radicalisation', 'information sharing', 'estates'],
      ['online radicalisation', 'information sharing', 'estates'],
      ['online radicalisation', 'information sharing', 'estates', 'out of hours'],
      ['online radicalisation', 'information sharing', 'out of hours'],
      ['online radicalisation', 'information sharing', 'out of hours'],
      ['information sharing'],
    ];
    const ids: string[] = [];
    for (const [i, themes] of themed.entries()) {
      const [icb, trust] = i % 2 ? [icbA, trustA] : [icbB, trustB];
      ids.push(
        await aSharedCopy(icb.id, trust.id, `Test study ${i + 1}`, 'A young person was referred after a nurse noticed.', themes),
      );
    }
    // Approved long ago, but a name and an address have crept in: held back, its themes not counted.
    const identifying = await aSharedCopy(
      icbA.id,
      trustA.id,
      'Test study about Mr Colin Wragge',
      'Colin Wragge of 12 Acacia Avenue was referred.',
      ['online radicalisation'],
    );
    const otherRegions = await aSharedCopy(elsewhere.id, elsewhereTrust.id, 'Elsewhere study', 'Elsewhere text.', ['estates']);

    const person = await newUser(t.database, {
      email: 'regional@test-region.example',
      displayName: 'Test Regional Lead',
      roles: [{ orgId: region.id, role: 'regional_lead' }],
    });
    const ours = await signedInAs(t.app, t.database, person);
    const page = await ours.get('/learning/region');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    // A responsive table repeats its heading in each cell.
    const countOf = (theme: string) => new RegExp(`${theme}\\s+(?:Case studies\\s+)?(fewer than 5|\\d+)`).exec(text)?.[1];
    expect(countOf('online radicalisation')).toBe('5');
    expect(countOf('information sharing')).toBe('10');
    expect(countOf('out of hours')).toBe(hiddenText);
    expect(countOf('estates')).toBe('5');
    expect(text).toContain('10 in all'); // 9 studies shown or held back, rounded
    for (let i = 1; i <= 8; i++) expect(text).toContain(`Test study ${i}`);
    expect(text).not.toContain('Colin Wragge');
    expect(text).not.toContain('Acacia Avenue');
    expect(text).toContain(heldBackText);
    expect(text).not.toContain('Elsewhere study');
    expect(text).not.toContain('Threats to local councillors'); // the demo region's

    // A held-back study's page does not show it, and it cannot be featured.
    const held = textOf((await ours.get(`/learning/region/case-studies/${identifying}`)).body);
    expect(held).not.toContain('Colin Wragge');
    const refused = await ours.post(`/learning/region/case-studies/${identifying}/feature`, {});
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Held back');
    expect(await query(sql`select 1 from regional_featured_case_studies where shared_case_study_id = ${identifying}`)).toEqual(
      [],
    );

    // Another region's study, and a demo one, are not found.
    const [demoCopy] = await demoCopies();
    for (const id of [otherRegions, demoCopy?.id]) {
      expect((await ours.get(`/learning/region/case-studies/${id}`)).statusCode).toBe(404);
      expect((await ours.post(`/learning/region/case-studies/${id}/feature`, {})).statusCode).toBe(404);
      expect((await regional.post(`/learning/region/case-studies/${ids[0]}/feature`, {})).statusCode).toBe(404);
    }
    expect(await query(sql`select 1 from regional_featured_case_studies`)).toEqual([]);
    expect((await ours.post(`/learning/region/case-studies/${ids[1]}/feature`, {})).statusCode).toBe(303);
  });

  it('drops the featuring when the provider withdraws its case study', async () => {
    const [copy] = await demoCopies();
    expect((await regional.post(`/learning/region/case-studies/${copy?.id}/feature`, {})).statusCode).toBe(303);
    expect((await lead.post(`/lessons/case-studies/${copy?.case_study_id}/withdraw`, {})).statusCode).toBe(303);
    expect(await query(sql`select 1 from regional_featured_case_studies where shared_case_study_id = ${copy?.id}`)).toEqual([]);
    expect((await regional.get(`/learning/region/case-studies/${copy?.id}`)).statusCode).toBe(404);
  });
});

describe('the region’s theme counts', () => {
  const study = (themes: string[], heldBack = false): RegionalStudy => ({
    id: crypto.randomUUID(),
    groupName: 'A group',
    sharedAt: new Date(),
    title: heldBack ? null : 'A title',
    body: heldBack ? null : 'A text',
    themes,
    heldBack,
    featured: null,
  });

  it('counts each theme, most used first, through the gate, leaving out held-back studies', () => {
    const studies = [
      ...Array.from({ length: 6 }, () => study(['consent'])),
      study(['channel']),
      study(['channel'], true),
      study([]),
    ];
    expect(regionalThemeCounts(studies)).toEqual([
      { theme: 'consent', count: { value: 5, text: '5' } },
      { theme: 'channel', count: { value: null, text: hiddenText } },
    ]);
  });
});
