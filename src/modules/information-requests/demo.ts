import type { Database } from '../../db/client.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import type { DemoOrganisations } from '../../platform/modules.ts';
import * as concerns from '../concerns/service.ts';
import * as sharing from '../sharing/service.ts';
import { demoActingAs } from '../users/demo.ts';
import * as requests from './service.ts';

/**
 * The foundation trust's requests: one from police Prevent about a case it holds, answered by a sharing decision; one
 * from the Channel panel about someone it never referred, overdue; one it made of the local authority, answered.
 */
export async function seedInformationRequestsDemo(database: Database, organisations: DemoOrganisations): Promise<void> {
  const rz1 = organisations.get('RZ1')?.id;
  if (!rz1) return;
  const db = database.db;
  const lead = await demoActingAs(database, 'prevent.lead@northshire-ft.example', rz1);
  const today = todayInLondon();
  const daysAgo = (n: number) => addDays(today, -n);
  const noon = (day: string) => new Date(`${day}T12:00:00Z`);

  const { cases } = await concerns.listCases(db, lead, {});
  const held = cases.find((c) => c.status === 'referred' && !c.erasedAt);
  if (held) {
    const fromPolice = await requests.recordRequest(
      db,
      lead,
      {
        direction: 'in',
        partner: 'police_prevent',
        partnerName: 'Counter Terrorism Policing North East, Prevent officer',
        askedOn: daysAgo(12),
        dueOn: daysAgo(7),
        whatAsked:
          'Whether the trust holds contact with mental health services in the last year, for a Prevent gateway assessment.',
        caseChoice: 'existing',
        caseReference: held.reference,
      },
      noon(daysAgo(12)),
    );
    await sharing.recordDecision(
      db,
      lead,
      held.id,
      {
        information: 'Dates of contact with the community mental health team in the last year; no clinical detail.',
        partner: 'police_prevent',
        shared: 'yes',
        article6Basis: '6(1)(e)',
        specialCategory: 'yes',
        article9Condition: '9(2)(g)',
        schedule1Condition: 'para10',
        consent: 'not_sought',
        consentNote: 'Seeking consent would prejudice the gateway assessment.',
        rationale: 'Necessary for the gateway assessment and limited to dates of contact.',
        decidedBy: 'Prevent lead',
        decidedOn: daysAgo(8),
      },
      noon(daysAgo(8)),
    );
    const page = await requests.requestPage(db, lead, fromPolice.id, today);
    const decision = page.decisions.find((d) => d.partner === 'police_prevent');
    await requests.recordResponse(
      db,
      lead,
      fromPolice.id,
      { respondedOn: daysAgo(8), sharingDecisionId: decision?.id ?? '' },
      today,
    );
  }

  await requests.recordRequest(
    db,
    lead,
    {
      direction: 'in',
      partner: 'channel_panel',
      partnerName: 'Northshire Channel panel, panel chair',
      askedOn: daysAgo(15),
      dueOn: daysAgo(4),
      whatAsked: 'Whether the trust holds any health information relevant to support being considered by the panel.',
      caseChoice: 'new',
      subjectType: 'patient',
      subjectName: 'Avery Demo-Requested',
      dateOfBirth: '1999-07-21',
      isChild: 'no',
    },
    noon(daysAgo(15)),
  );

  const ofCouncil = await requests.recordRequest(
    db,
    lead,
    {
      direction: 'out',
      partner: 'local_authority',
      partnerName: 'Northshire County Council, Prevent co-ordinator',
      askedOn: daysAgo(30),
      dueOn: daysAgo(16),
      whatAsked: 'The current Channel panel terms of reference and the health members’ role in them.',
      caseChoice: 'none',
    },
    noon(daysAgo(30)),
  );
  await requests.recordResponse(db, lead, ofCouncil.id, { respondedOn: daysAgo(20) }, today);
}
