import { date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { concernCases } from '../concerns/schema.ts';
import { organisations } from '../organisations/schema.ts';
import { sharingDecisions } from '../sharing/schema.ts';
import { users } from '../users/schema.ts';

export const requestDirections = ['in', 'out'] as const;
export type RequestDirection = (typeof requestDirections)[number];

export const informationRequests = pgTable(
  'information_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organisations.id),
    /** In: a partner asked the organisation; out: the organisation asked a partner. */
    direction: text('direction').$type<RequestDirection>().notNull(),
    /** One of the sharing module's partners (police Prevent, Channel panel, …). */
    partner: text('partner').notNull(),
    /** Who asked, or whom the organisation asked: the agency and the person's role or name. */
    partnerName: text('partner_name').notNull(),
    askedOn: date('asked_on').notNull(),
    dueOn: date('due_on').notNull(),
    /** What was asked, without naming the person: the case holds who it is about. */
    whatAsked: text('what_asked').notNull(),
    caseId: uuid('case_id').references(() => concernCases.id),
    /** The case's reference, which never changes, so that the list needs no case opened. */
    caseReference: text('case_reference'),
    sharingDecisionId: uuid('sharing_decision_id').references(() => sharingDecisions.id),
    respondedOn: date('responded_on'),
    recordedBy: uuid('recorded_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('information_requests_org_idx').on(t.orgId, t.dueOn), index('information_requests_case_idx').on(t.caseId)],
);
