import type { Database } from '../../db/client.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { demoActingAs } from '../users/demo.ts';
import * as risks from './service.ts';

/** [title, category, owner, inherent L, I, current L, I, target L, I, controls, actions, EPRR, counter fraud] */
const register: [
  string,
  risks.RiskCategory,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  string,
  string,
  string,
  string,
][] = [
  [
    'Prevent training below the 85% compliance target',
    'training',
    'Jordan Ellis',
    5,
    4,
    4,
    4,
    2,
    3,
    'Monthly compliance report to the safeguarding committee.',
    'Targeted sessions for the emergency department and estates staff.',
    '',
    '',
  ],
  [
    'Meeting rooms hired by groups whose events may promote extremist views',
    'estates_room_hire',
    'Head of estates',
    4,
    4,
    3,
    4,
    1,
    4,
    'Room hire terms include the Prevent clause; bookings checked by the estates team.',
    'Add a Prevent check to the online booking form.',
    'EPRR-017',
    '',
  ],
  [
    'Extremist material accessed on trust devices or guest Wi-Fi',
    'it_misuse',
    'Chief information officer',
    4,
    3,
    2,
    3,
    1,
    3,
    'Web filtering on the trust network and guest Wi-Fi; alerts go to the Prevent lead.',
    'Review the filtering categories each quarter.',
    '',
    'CF-2026-04',
  ],
  [
    'Local themes from the CTLP not reflected in training content',
    'ctlp',
    'Jordan Ellis',
    3,
    4,
    3,
    3,
    2,
    2,
    'Prevent lead attends the CTLP briefing each year.',
    'Refresh the local case studies in level 3 training.',
    '',
    '',
  ],
  [
    'Delay in sharing information with the Channel panel',
    'information_sharing',
    'Morgan Hale',
    3,
    5,
    2,
    4,
    1,
    4,
    'Information sharing agreement with the local authority; templates for referrals.',
    'Audit the time from referral to sharing each quarter.',
    '',
    '',
  ],
  [
    'Single Prevent lead with no deputy',
    'staffing_resources',
    'Morgan Hale',
    3,
    3,
    2,
    2,
    1,
    2,
    'Named deputy from the safeguarding team.',
    'Train the deputy to level 3.',
    '',
    '',
  ],
];

const fields = (r: (typeof register)[number]) => ({
  title: r[0],
  category: r[1],
  owner: r[2],
  inherentLikelihood: String(r[3]),
  inherentImpact: String(r[4]),
  currentLikelihood: String(r[5]),
  currentImpact: String(r[6]),
  targetLikelihood: String(r[7]),
  targetImpact: String(r[8]),
  controls: r[9],
  actions: r[10],
  eprrReference: r[11],
  counterFraudReference: r[12],
  status: 'open',
});

/**
 * The demo's risk registers and CTLP records: six risks at the foundation trust (RZ1), one reviewed,
 * with this year's CTLP signed off; at RZ2 a briefing recorded and never signed off, so its review shows overdue.
 */
export async function seedRisksDemo(database: Database, ids: Map<string, { id: string; name: string }>): Promise<void> {
  const today = todayInLondon();
  const rz1 = ids.get('RZ1')?.id;
  const rz2 = ids.get('RZ2')?.id;
  if (!rz1 || !rz2) throw new Error('demo organisations missing');

  const lead = await demoActingAs(database, 'prevent.lead@northshire-ft.example', rz1);
  const added: risks.Risk[] = [];
  for (const row of register) added.push(await risks.addRisk(database.db, lead, fields(row)));
  const [training, , , ctlpThemes] = added;
  if (!training || !ctlpThemes) throw new Error('demo risks missing');
  await risks.reviewRisk(
    database.db,
    lead,
    training.id,
    {
      reviewedOn: addDays(today, -14),
      reviewer: 'Jordan Ellis',
      likelihood: '4',
      impact: '4',
      note: 'Compliance rose to 78%; still short of the target.',
    },
    today,
  );

  const year = risks.financialYearOf(today);
  // The programme items about risk assessment and training reflect the profile (the programme demo comes first).
  const items = (await risks.getCtlp(database.db, lead, year)).items.filter((i) => /risk|training/i.test(i.title)).slice(0, 2);
  await risks.saveCtlp(
    database.db,
    lead,
    year,
    {
      briefingReceivedOn: addDays(today, -40),
      themes: 'Self-initiated online radicalisation among young people; mixed and unclear ideologies. (Synthetic demo text.)',
      priorityArea: 'no',
      programmeReferences: 'Refresh the local case studies in level 3 training',
      riskIds: [training.id, ctlpThemes.id],
      itemIds: items.map((i) => i.id),
    },
    today,
  );
  const director = await demoActingAs(database, 'director@northshire-ft.example', rz1);
  await risks.signOffCtlp(database.db, director, year, { reviewedOn: addDays(today, -7) }, today);

  const other = await demoActingAs(database, 'prevent.lead@dales-trust.example', rz2);
  await risks.saveCtlp(
    database.db,
    other,
    year,
    { briefingReceivedOn: addDays(today, -20), themes: 'Synthetic demo themes.', priorityArea: 'yes' },
    today,
  );
}
