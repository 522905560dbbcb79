import type { Database } from '../../db/client.ts';
import * as users from '../users/service.ts';
import * as repository from './repository.ts';
import type { LeadPost } from './schema.ts';

type Holder = { ods: string; post: LeadPost; email?: string; name?: string; jobTitle: string; startsOn: string; endsOn?: string };

/** Leads for the demo: a full history at the foundation trust, and a vacant accountable post at the NHS trust. */
const demoLeads: Holder[] = [
  {
    ods: 'RZ1',
    post: 'accountable',
    email: 'director@northshire-ft.example',
    jobTitle: 'Chief Nursing Officer',
    startsOn: '2024-04-01',
  },
  {
    ods: 'RZ1',
    post: 'operational',
    name: 'Chris Dunn',
    jobTitle: 'Named Nurse, Safeguarding Adults',
    startsOn: '2021-06-01',
    endsOn: '2025-01-05',
  },
  {
    ods: 'RZ1',
    post: 'operational',
    email: 'prevent.lead@northshire-ft.example',
    jobTitle: 'Prevent and Safeguarding Lead',
    startsOn: '2025-01-06',
  },
  {
    ods: 'QZZ',
    post: 'accountable',
    name: 'Dr Ruth Ainsley',
    jobTitle: 'Director of Nursing and Quality',
    startsOn: '2023-07-01',
  },
  {
    ods: 'QZZ',
    post: 'operational',
    email: 'commissioner@northshire-icb.example',
    jobTitle: 'Designated Professional, Safeguarding',
    startsOn: '2024-09-02',
  },
  {
    ods: 'RZ2',
    post: 'operational',
    email: 'prevent.lead@dales-trust.example',
    jobTitle: 'Head of Safeguarding',
    startsOn: '2025-05-12',
  },
  {
    ods: 'RZ2',
    post: 'accountable',
    name: 'Lindsay Crowe',
    jobTitle: 'Director of Nursing',
    startsOn: '2022-04-01',
    endsOn: '2026-08-31',
  },
  { ods: 'NZ3', post: 'accountable', name: 'Sofia Marr', jobTitle: 'Clinical Director', startsOn: '2023-01-09' },
  {
    ods: 'NZ3',
    post: 'operational',
    email: 'prevent.lead@harbourside.example',
    jobTitle: 'Safeguarding Lead',
    startsOn: '2024-02-19',
  },
];

export async function seedLeadsDemo(database: Database, ids: Map<string, { id: string }>): Promise<void> {
  for (const holder of demoLeads) {
    const orgId = ids.get(holder.ods)?.id;
    if (!orgId) throw new Error(`demo organisation ${holder.ods} missing`);
    const person = holder.email ? await users.findByEmail(database.db, holder.email) : undefined;
    await repository.insert(database.db, {
      orgId,
      post: holder.post,
      userId: person?.id ?? null,
      personName: person?.displayName ?? holder.name ?? '',
      jobTitle: holder.jobTitle,
      email: person?.email ?? null,
      startsOn: holder.startsOn,
      endsOn: holder.endsOn ?? null,
      commissionerNotifiedAt: holder.ods === 'QZZ' ? null : new Date(`${holder.startsOn}T09:00:00Z`),
    });
  }
}
