import type { Database } from '../../db/client.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import type { DemoOrganisations } from '../../platform/modules.ts';
import { demoActingAs } from '../users/demo.ts';
import * as plans from './plan-service.ts';
import * as development from './service.ts';

type DemoActivity = {
  kind: development.ActivityKind;
  daysAgo: number;
  hours: string;
  title: string;
  provider: string;
  evidence?: string;
};
type DemoTarget = { description: string; dueInDays: number; status: plans.TargetStatus };

/** Invented activities and plans: the providers and titles are typical, the people are the demo's own. */
const demoDevelopment: { email: string; activities: DemoActivity[]; targets: DemoTarget[] }[] = [
  {
    email: 'prevent.lead@northshire-ft.example',
    activities: [
      {
        kind: 'national_update',
        daysAgo: 300,
        hours: '2',
        title: 'National Prevent leads’ update, spring',
        provider: 'NHS England national Prevent team',
        evidence: 'Attendance e-mail on file',
      },
      {
        kind: 'course',
        daysAgo: 210,
        hours: '6.5',
        title: 'Prevent for safeguarding leads (train the trainer)',
        provider: 'Northshire Safeguarding Partnership',
        evidence: 'Certificate on file',
      },
      {
        kind: 'supervision',
        daysAgo: 120,
        hours: '1.5',
        title: 'Quarterly safeguarding supervision',
        provider: 'Named Nurse, Safeguarding Children',
        evidence: 'Supervision record signed',
      },
      {
        kind: 'regional_update',
        daysAgo: 45,
        hours: '3',
        title: 'Regional Prevent forum',
        provider: 'NHS England North East and Yorkshire',
      },
    ],
    targets: [
      { description: 'Complete the Channel panel chairs’ e-learning', dueInDays: -60, status: 'met' },
      { description: 'Attend every regional Prevent forum this year', dueInDays: 120, status: 'in_progress' },
    ],
  },
  {
    email: 'director@northshire-ft.example',
    activities: [
      {
        kind: 'conference',
        daysAgo: 250,
        hours: '7',
        title: 'Safeguarding adults annual conference',
        provider: 'Northshire Safeguarding Adults Board',
        evidence: 'Certificate on file',
      },
      {
        kind: 'course',
        daysAgo: 90,
        hours: '2.25',
        title: 'Prevent duty for board members',
        provider: 'Home Office Prevent e-learning',
        evidence: 'Certificate on file',
      },
    ],
    targets: [
      { description: 'Observe a Channel panel meeting', dueInDays: 90, status: 'not_started' },
      { description: 'Brief the board on the counter terrorism local profile', dueInDays: -30, status: 'met' },
    ],
  },
  {
    email: 'practitioner@northshire-ft.example',
    activities: [
      {
        kind: 'course',
        daysAgo: 150,
        hours: '3',
        title: 'Prevent level 3 refresher',
        provider: 'Northshire Teaching Hospitals safeguarding team',
        evidence: 'Certificate on file',
      },
      {
        kind: 'supervision',
        daysAgo: 20,
        hours: '1',
        title: 'Group supervision: Prevent referrals',
        provider: 'Operational Prevent lead',
      },
    ],
    targets: [],
  },
];

/** The foundation trust's two Prevent leads and its safeguarding practitioner, with a year of development. */
export async function seedDevelopmentDemo(database: Database, ids: DemoOrganisations): Promise<void> {
  const rz1 = ids.get('RZ1')?.id;
  if (!rz1) throw new Error('demo organisation RZ1 missing');
  const today = todayInLondon();
  const recorder = await demoActingAs(database, 'prevent.lead@northshire-ft.example', rz1);
  for (const person of demoDevelopment) {
    const { user } = await demoActingAs(database, person.email, rz1);
    for (const a of person.activities) {
      const { daysAgo, ...fields } = a;
      await development.addActivity(database.db, recorder, user.id, { ...fields, heldOn: addDays(today, -daysAgo) }, today);
    }
    for (const t of person.targets) {
      await plans.addTarget(database.db, recorder, user.id, { ...t, dueOn: addDays(today, t.dueInDays) }, today);
    }
  }
}
