import type { Database } from '../../db/client.ts';
import { addDays, addMonths, todayInLondon } from '../../platform/dates.ts';
import type { DemoOrganisations } from '../../platform/modules.ts';
import { demoActingAs } from '../users/demo.ts';
import * as partnership from './service.ts';

type DemoMeeting = {
  kind: partnership.EngagementKind;
  title: string;
  monthsAgo: number;
  partners: string[];
  contribution: string;
  /** Days after the meeting each action is due, and whether it is done. */
  actions?: { description: string; owner: string; dueInDays: number; done?: boolean }[];
};

const police = 'Counter Terrorism Policing North East';
const council = 'Northshire County Council Prevent team';

/** A year of the foundation trust's multi-agency work: synthetic meetings, one action overdue, one open. */
const trustYear: DemoMeeting[] = [
  {
    kind: 'channel_panel',
    title: 'Northshire Channel panel',
    monthsAgo: 11,
    partners: [police, council, 'Northshire Children’s Services'],
    contribution: 'Health information shared for two panel cases under the agreed protocol; advice on mental health support.',
    actions: [
      {
        description: 'Share the trust’s referral pathway chart with the panel',
        owner: 'Operational Prevent lead',
        dueInDays: 14,
        done: true,
      },
    ],
  },
  {
    kind: 'regional_prevent_forum',
    title: 'North East regional Prevent forum',
    monthsAgo: 10,
    partners: ['NHS England North East and Yorkshire', police],
    contribution: 'Presented the trust’s training compliance and the lessons from a closed review.',
  },
  {
    kind: 'community_safety_partnership',
    title: 'Northshire community safety partnership',
    monthsAgo: 8,
    partners: [council, 'Northshire Fire and Rescue'],
    contribution: 'Health view on the local counter terrorism profile priorities.',
  },
  {
    kind: 'channel_panel',
    title: 'Northshire Channel panel',
    monthsAgo: 7,
    partners: [police, council],
    contribution: 'Health information shared for one panel case; agreed the health support offer.',
  },
  {
    kind: 'prevent_board',
    title: 'Northshire Prevent delivery board',
    monthsAgo: 5,
    partners: [police, council, 'Northshire Integrated Care Board'],
    contribution: 'Reported referrals and training figures for the quarter; agreed the health actions in the partnership plan.',
    actions: [
      {
        description: 'Add the health actions to the local Prevent partnership plan',
        owner: 'Operational Prevent lead',
        dueInDays: 30,
        done: true,
      },
    ],
  },
  {
    kind: 'adults_safeguarding_partnership',
    title: 'Northshire Safeguarding Adults Board',
    monthsAgo: 4,
    partners: [council, police],
    contribution: 'Annual Prevent update to the board, with how Prevent links to adult safeguarding.',
  },
  {
    kind: 'community_of_practice',
    title: 'Northshire Prevent community of practice',
    monthsAgo: 3,
    partners: ['Dales NHS Trust', 'Harbourside Independent Hospital', council],
    contribution: 'Hosted a session on recognising online radicalisation, with a case study from the learning group.',
    actions: [
      {
        description: 'Circulate the session slides and the reading list to attendees',
        owner: 'Operational Prevent lead',
        dueInDays: 7,
        done: true,
      },
      {
        description: 'Set the date and theme of the next community of practice event',
        owner: 'Accountable Prevent lead',
        dueInDays: 45,
      },
    ],
  },
  {
    kind: 'childrens_safeguarding_partnership',
    title: 'Northshire Safeguarding Children Partnership',
    monthsAgo: 2,
    partners: ['Northshire Children’s Services', police],
    contribution: 'Briefed the partnership on Prevent referrals about young people and the training offer.',
  },
  {
    kind: 'channel_panel',
    title: 'Northshire Channel panel',
    monthsAgo: 1,
    partners: [police, council],
    contribution: 'Health information shared for one panel case; confirmed the GP support offer.',
    actions: [
      {
        description: 'Confirm the mental health liaison contact for the panel',
        owner: 'Operational Prevent lead',
        dueInDays: 60,
      },
    ],
  },
];

export async function seedPartnershipDemo(database: Database, organisations: DemoOrganisations): Promise<void> {
  const rz1 = organisations.get('RZ1')?.id;
  if (!rz1) return;
  const ctx = await demoActingAs(database, 'prevent.lead@northshire-ft.example', rz1);
  const today = todayInLondon();
  for (const meeting of trustYear) {
    const heldOn = addMonths(today, -meeting.monthsAgo);
    const created = await partnership.recordEngagement(database.db, ctx, {
      kind: meeting.kind,
      title: meeting.title,
      heldOn,
      ourAttendees: 'Operational Prevent lead\nNamed Nurse, Safeguarding Adults',
      partnerAgencies: meeting.partners.join('\n'),
      contribution: meeting.contribution,
    });
    for (const action of meeting.actions ?? []) {
      await partnership.addAction(database.db, ctx, created.id, {
        description: action.description,
        owner: action.owner,
        dueOn: addDays(heldOn, action.dueInDays),
      });
    }
  }
  const log = await partnership.partnershipLog(database.db, ctx, today);
  const toClose = trustYear.flatMap((m) => (m.actions ?? []).filter((a) => a.done).map((a) => a.description));
  for (const action of log.actions.filter((a) => toClose.includes(a.description))) {
    await partnership.setActionDone(database.db, ctx, action.id, true, today);
  }
}
