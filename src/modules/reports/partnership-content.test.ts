import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, newCase, newOrganisation, newUser } from '../../../test/factories.ts';
import { type TestApp, testApp } from '../../../test/harness.ts';
import type { Section, Table } from '../../platform/documents/document.ts';
import * as requests from '../information-requests/service.ts';
import * as partnership from '../partnership/service.ts';
import { boardReportDocument } from './content.ts';
import { reportFiguresOf } from './figures.ts';

const written = { significantIncidents: null, resourcesAnswer: null, resourcesStatement: null, priorities: null };
const standing = { version: 1, status: 'Draft', approvedBy: null, approvedOn: null };
const tablesOf = (section: Section | undefined) => (section?.blocks ?? []).filter((b): b is Table => b.kind === 'table');

describe('the board report’s multi-agency partnership section', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('counts the year’s meetings by kind and quarter and the requests, exactly for the board and suppressed when shared', async () => {
    const org = await newOrganisation(t.database, { odsCode: 'RB9', name: 'Board Partnership Test Trust', kind: 'nhs_trust' });
    const person = await newUser(t.database, {
      email: 'lead@board-partnership.example',
      displayName: 'Board Partnership Lead',
      roles: [{ orgId: org.id, role: 'operational_lead' }],
    });
    const ctx = await contextOf(t.database, person, org.id);
    const meeting = (kind: string, heldOn: string) => ({
      kind,
      title: 'Testshire meeting',
      heldOn,
      ourAttendees: 'Operational Prevent lead',
      contribution: 'An update on training.',
    });
    // Financial year 2025 (April 2025 to March 2026): two Channel panels in the first quarter, one board in the fourth.
    await partnership.recordEngagement(t.database.db, ctx, meeting('channel_panel', '2025-04-10'));
    await partnership.recordEngagement(t.database.db, ctx, meeting('channel_panel', '2025-06-30'));
    await partnership.recordEngagement(t.database.db, ctx, meeting('prevent_board', '2026-01-15'));
    // The year before and after: not counted.
    await partnership.recordEngagement(t.database.db, ctx, meeting('prevent_board', '2025-03-31'));
    await partnership.recordEngagement(t.database.db, ctx, meeting('prevent_board', '2026-04-01'));
    const held = await newCase(t.database, ctx);
    await requests.recordRequest(
      t.database.db,
      ctx,
      {
        direction: 'in',
        partner: 'police_prevent',
        partnerName: 'Counter Terrorism Policing',
        askedOn: '2025-05-01',
        dueOn: '2025-05-08',
        whatAsked: 'Whether the trust holds records of contact.',
        caseChoice: 'existing',
        caseReference: held.reference,
      },
      new Date('2025-05-01T12:00:00Z'),
    );

    const figures = await reportFiguresOf(t.database.db, { ...org, odsCode: 'RB9', kind: 'nhs_trust' }, 2025, '2026-06-01');
    expect(figures.partnership.quarters.map((q) => q.total)).toEqual([2, 0, 0, 1]);
    expect(figures.requests).toMatchObject({ received: 1, answered: 0, overdue: 1, made: 0 });

    const section = (copy: { audience: 'board' | 'shared'; exact: boolean }) =>
      boardReportDocument(figures, written, standing, copy).sections.find((s) => s.heading === 'Multi-agency partnership');
    const [meetings, asked] = tablesOf(section({ audience: 'board', exact: true }));
    expect(meetings?.rows.find((r) => r[0] === 'Channel panel')).toEqual(['Channel panel', '2', '0', '0', '0', '2']);
    expect(meetings?.rows.find((r) => r[0] === 'CONTEST or Prevent delivery board')).toEqual([
      'CONTEST or Prevent delivery board',
      '0',
      '0',
      '0',
      '1',
      '1',
    ]);
    expect(meetings?.rows.at(-1)).toEqual(['All meetings', '2', '0', '0', '1', '3']);
    expect(asked?.rows[0]).toEqual(['1', '0', '0', '1', '0']);

    // The leads' development and the annual updates are in the same report.
    const board = boardReportDocument(figures, written, standing, { audience: 'board', exact: true });
    const people = board.sections.find((s) => s.heading === 'Development of the Prevent leads and safeguarding staff');
    expect(JSON.stringify(people?.blocks)).toContain('No Prevent lead is in post.');
    const updates = tablesOf(board.sections.find((s) => s.heading === 'Training compliance')).find((t) =>
      t.caption?.startsWith('Annual Prevent updates'),
    );
    expect(updates?.rows.at(-1)?.[0]).toBe('All levels');

    // Shared outside the organisation: every count through the small-number gate.
    const [sharedMeetings] = tablesOf(section({ audience: 'shared', exact: true }));
    expect(sharedMeetings?.rows.at(-1)?.slice(1)).not.toContain('3');
    expect(JSON.stringify(sharedMeetings?.rows)).not.toMatch(/"[1-4]"/);
  });
});
