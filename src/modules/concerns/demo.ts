import type { Database } from '../../db/client.ts';
import { contextFor, type RequestContext } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import * as referrals from '../referrals/service.ts';
import * as sharing from '../sharing/service.ts';
import * as users from '../users/service.ts';
import * as concerns from './service.ts';

type Ids = Map<string, { id: string; name: string }>;

/** A demo person acting in an organisation, as a request would see them (the modules built on cases use it too). */
export async function actingAs(database: Database, email: string, orgId: string): Promise<RequestContext> {
  const person = await users.findByEmail(database.db, email);
  const described = person ? await users.describeUser(database.db, person.id, orgId) : null;
  if (!described) throw new Error(`demo account ${email} missing`);
  return contextFor(described, null);
}

const daysAgo = (n: number) => addDays(todayInLondon(), -n);
const at = (day: string, time = '10:00') => new Date(`${day}T${time}:00Z`);

type Concern = {
  subjectType: concerns.SubjectType;
  subjectName: string;
  nhsNumber?: string;
  dateOfBirth?: string;
  isChild?: 'yes' | 'no';
  narrative: string;
  location: string;
  immediateRisk?: boolean;
  raisedDaysAgo: number;
};

/**
 * Concerns at the foundation trust in every status, and a few at the other providers for the
 * commissioner's figures. Every person, number and event is invented; the NHS numbers are in
 * the 999 range, which is never issued.
 */
export async function seedConcernsDemo(database: Database, ids: Ids): Promise<void> {
  const db = database.db;
  const rz1 = ids.get('RZ1')?.id;
  const rz2 = ids.get('RZ2')?.id;
  const nz3 = ids.get('NZ3')?.id;
  if (!rz1 || !rz2 || !nz3) throw new Error('demo organisations missing');
  const nurse = await actingAs(database, 'staff@northshire-ft.example', rz1);
  const lead = await actingAs(database, 'prevent.lead@northshire-ft.example', rz1);
  const practitioner = await actingAs(database, 'practitioner@northshire-ft.example', rz1);

  const raise = async (by: RequestContext, c: Concern) => {
    const day = daysAgo(c.raisedDaysAgo);
    const raised = await concerns.raiseConcern(
      db,
      { kind: 'person', ctx: by },
      {
        subjectType: c.subjectType,
        subjectName: c.subjectName,
        nhsNumber: c.nhsNumber,
        dateOfBirth: c.dateOfBirth,
        isChild: c.isChild ?? 'no',
        narrative: c.narrative,
        observedAt: `${day}T09:15`,
        location: c.location,
        immediateRisk: c.immediateRisk ? 'yes' : 'no',
      },
      at(day, '11:30'),
    );
    return raised.id;
  };
  const move = (id: string, to: concerns.CaseStatus, reason: string, daysAgoN: number, closureReason?: string) =>
    concerns.moveCase(db, lead, id, { to, reason, closureReason }, at(daysAgo(daysAgoN), '14:00'));
  const practitionerId = practitioner.user.id;

  // New: arrived this morning, not yet looked at.
  await raise(nurse, {
    subjectType: 'patient',
    subjectName: 'Demo Patient Adebayo',
    nhsNumber: '9990000026',
    dateOfBirth: '1996-05-14',
    narrative:
      'During a dressing change the patient showed me videos on his phone praising an attack abroad and said people like that were "heroes". He asked whether I agreed.',
    location: 'Ward 12 (surgical), Northshire General',
    raisedDaysAgo: 0,
  });

  // Triage, assigned to the practitioner, immediate risk flagged by the nurse.
  const triage = await raise(nurse, {
    subjectType: 'visitor',
    subjectName: 'Unknown man, about 30, grey hoodie',
    narrative:
      'A visitor in the main entrance was handing out leaflets with extremist slogans and filming staff. Security asked him to leave.',
    location: 'Main entrance, Northshire General',
    immediateRisk: true,
    raisedDaysAgo: 2,
  });
  await concerns.assign(db, lead, triage, { userId: practitionerId });
  await move(triage, 'triage', 'Security footage requested; checking whether the leaflets name a group.', 1);

  // Gathering information: the check for existing records has been made.
  const gathering = await raise(nurse, {
    subjectType: 'patient',
    subjectName: 'Demo Patient Kowalczyk',
    nhsNumber: '9990000034',
    dateOfBirth: '2009-02-03',
    isChild: 'yes',
    narrative:
      'A 17-year-old outpatient told the phlebotomist he spends nights in an online group that says violence is the only answer, and that he has been sent instructions.',
    location: 'Phlebotomy, outpatients',
    raisedDaysAgo: 6,
  });
  await concerns.assign(db, lead, gathering, { userId: practitionerId });
  await move(gathering, 'triage', 'Child: children’s safeguarding lead informed.', 5);
  await move(gathering, 'gathering_information', 'Checking our records and the GP record.', 5);
  await sharing.recordCheck(
    db,
    practitioner,
    gathering,
    {
      systems: 'Patient administration system; safeguarding database; GP record (shared care record)',
      searchedOn: daysAgo(4),
      searchedBy: 'Priya Natarajan',
      knownToService: 'known',
      findings: 'Known to CAMHS in 2024 for low mood; no previous safeguarding referrals.',
    },
    at(daysAgo(4), '12:00'),
  );

  // Decision: checks done, a decision not (yet) to share with the GP recorded.
  const decision = await raise(nurse, {
    subjectType: 'staff',
    subjectName: 'Demo Staff Member Ferreira',
    narrative:
      'A porter repeatedly shared material from a banned organisation in a staff group chat and said he would "do something about it".',
    location: 'Estates and facilities',
    raisedDaysAgo: 12,
  });
  await move(decision, 'triage', 'HR and the Prevent lead to meet.', 11);
  await move(decision, 'gathering_information', 'Chat messages preserved by the line manager.', 10);
  await sharing.recordCheck(
    db,
    lead,
    decision,
    {
      systems: 'Electronic staff record; HR case management',
      searchedOn: daysAgo(10),
      searchedBy: 'Jordan Ellis',
      knownToService: 'not_known',
    },
    at(daysAgo(10), '12:00'),
  );
  await move(decision, 'decision', 'Enough to decide whether to refer.', 9);

  // Referred, with police feedback now overdue (a reminder goes to the leads).
  const referred = await raise(nurse, {
    subjectType: 'patient',
    subjectName: 'Demo Patient Okonkwo',
    nhsNumber: '9990000042',
    dateOfBirth: '1988-11-30',
    narrative:
      'In the emergency department the patient said he was stockpiling chemicals to "teach them a lesson" and named a local mosque as a target.',
    location: 'Emergency department',
    raisedDaysAgo: 20,
  });
  await move(referred, 'triage', 'Urgent: discussed with the on-call safeguarding lead.', 20);
  await move(referred, 'gathering_information', 'Records checked the same day.', 20);
  await sharing.recordCheck(
    db,
    lead,
    referred,
    {
      systems: 'Patient administration system; safeguarding database',
      searchedOn: daysAgo(20),
      searchedBy: 'Jordan Ellis',
      knownToService: 'not_known',
    },
    at(daysAgo(20), '12:00'),
  );
  await move(referred, 'decision', 'Threat to others: referral needed.', 19);
  await sharing.recordDecision(
    db,
    lead,
    referred,
    {
      information: 'Name, date of birth, address and what he said in the emergency department.',
      partner: 'police_prevent',
      shared: 'yes',
      article6Basis: '6(1)(e)',
      specialCategory: 'yes',
      article9Condition: '9(2)(g)',
      schedule1Condition: 'para10',
      consent: 'not_sought',
      consentNote: 'Seeking consent would risk alerting him to a police response.',
      rationale: 'A stated intent to harm others at a named place; sharing is necessary and proportionate.',
      decidedBy: 'Jordan Ellis',
      decidedOn: daysAgo(19),
    },
    at(daysAgo(19), '12:00'),
  );
  await referrals.refer(
    db,
    lead,
    referred,
    {
      concern: 'Stated intent to harm worshippers at a named mosque; says he is stockpiling chemicals.',
      complexNeeds: 'Possible psychosis; under assessment by the liaison psychiatry team.',
      otherAgencies: 'Liaison psychiatry; adult social care not yet involved.',
      referredOn: daysAgo(19),
      sentHow: 'secure_email',
    },
    at(daysAgo(19), '16:00'),
  );

  // Referred and adopted by a Channel panel: reviews at 6 and 12 months.
  const channel = await raise(nurse, {
    subjectType: 'patient',
    subjectName: 'Demo Patient Lindqvist',
    nhsNumber: '9990000050',
    dateOfBirth: '2001-07-22',
    narrative:
      'The patient told the ward nurse she had been groomed online by a group recruiting women and planned to travel to join them.',
    location: 'Ward 4 (medical)',
    raisedDaysAgo: 70,
  });
  await move(channel, 'triage', 'Seen by the Prevent lead.', 69);
  await move(channel, 'gathering_information', 'Records checked.', 69);
  await move(channel, 'decision', 'Vulnerable to grooming: refer.', 68);
  await sharing.recordDecision(
    db,
    lead,
    channel,
    {
      information: 'Name, date of birth, what she told the nurse.',
      partner: 'police_prevent',
      shared: 'yes',
      article6Basis: '6(1)(e)',
      specialCategory: 'no',
      consent: 'given',
      rationale: 'She agreed to a referral for support through Channel.',
      decidedBy: 'Jordan Ellis',
      decidedOn: daysAgo(68),
    },
    at(daysAgo(68), '12:00'),
  );
  const channelReferral = await referrals.refer(
    db,
    lead,
    channel,
    {
      concern: 'Online grooming by a group recruiting women to travel abroad.',
      referredOn: daysAgo(68),
      sentHow: 'online_form',
      policeReference: 'CTP-NE-2026-0415',
    },
    at(daysAgo(68), '16:00'),
  );
  await referrals.recordOutcome(db, lead, channel, channelReferral, {
    pathway: 'channel_panel',
    pathwayOn: daysAgo(50),
    outcome: 'Adopted by the Channel panel; a mentor has been appointed.',
    feedbackReceivedOn: daysAgo(60),
    feedback: 'Police Prevent assessed and passed the case to the local authority Channel panel.',
    channelContribution: 'The ward team attends panel meetings and shares appointment attendance.',
  });

  // Other safeguarding route: a child, passed to children's social care.
  const otherRoute = await raise(nurse, {
    subjectType: 'patient',
    subjectName: 'Demo Patient Haddad',
    nhsNumber: '9990000069',
    dateOfBirth: '2012-09-09',
    narrative: 'A 14-year-old repeated racist slogans he had heard at home and drew symbols of a far-right group.',
    location: 'Children’s outpatients',
    raisedDaysAgo: 30,
  });
  await move(otherRoute, 'triage', 'Discussed with the named nurse for children.', 29);
  await move(otherRoute, 'other_route', 'Family circumstances are the concern: referred to children’s social care.', 28);

  // No further action after triage.
  const nfa = await raise(nurse, {
    subjectType: 'other',
    subjectName: 'Contractor (name not known)',
    narrative: 'A contractor was overheard making a joke about a bomb in the car park.',
    location: 'Car park B',
    raisedDaysAgo: 40,
  });
  await move(nfa, 'triage', 'Spoke to the contractor’s supervisor.', 39);
  await move(nfa, 'no_further_action', 'A thoughtless joke; no sign of radicalisation. Advice given.', 38);

  // Closed after the police managed the case.
  const closed = await raise(nurse, {
    subjectType: 'patient',
    subjectName: 'Demo Patient Novak',
    nhsNumber: '9990000077',
    dateOfBirth: '1979-03-03',
    narrative: 'The patient asked staff for help finding the addresses of local councillors and spoke of punishing them.',
    location: 'Day surgery',
    raisedDaysAgo: 120,
  });
  await move(closed, 'triage', 'Seen by the Prevent lead.', 119);
  await move(closed, 'gathering_information', 'Records checked.', 119);
  await move(closed, 'decision', 'Refer.', 118);
  await sharing.recordDecision(
    db,
    lead,
    closed,
    {
      information: 'Name, date of birth, what he asked for and said.',
      partner: 'police_prevent',
      shared: 'yes',
      article6Basis: '6(1)(e)',
      specialCategory: 'no',
      consent: 'not_sought',
      consentNote: 'Possible risk to others.',
      rationale: 'Possible targeting of elected members.',
      decidedBy: 'Jordan Ellis',
      decidedOn: daysAgo(118),
    },
    at(daysAgo(118), '12:00'),
  );
  const closedReferral = await referrals.refer(
    db,
    lead,
    closed,
    { concern: 'Asked for councillors’ addresses and spoke of punishing them.', referredOn: daysAgo(118), sentHow: 'phone' },
    at(daysAgo(118), '16:00'),
  );
  await referrals.recordOutcome(db, lead, closed, closedReferral, {
    policeReference: 'CTP-NE-2026-0211',
    pathway: 'police_managed',
    pathwayOn: daysAgo(110),
    feedbackReceivedOn: daysAgo(110),
    feedback: 'Managed by police; no further action for health.',
  });
  await move(closed, 'closed', 'Police have the case; nothing further for the trust.', 100, 'police_managed');

  // Closed years ago: its retention review has come (on the lead's retention list).
  const old = await raise(nurse, {
    subjectType: 'patient',
    subjectName: 'Demo Patient Ashworth',
    nhsNumber: '9990000085',
    dateOfBirth: '1965-12-12',
    narrative: 'The patient made remarks about a terrorist attack that worried the nurse.',
    location: 'Ward 9',
    raisedDaysAgo: 1500,
  });
  await move(old, 'triage', 'Seen by the Prevent lead.', 1499);
  await move(old, 'no_further_action', 'Grief after a bereavement, not radicalisation.', 1498);
  await move(old, 'closed', 'Nothing further.', 1498, 'no_concern_found');

  // The other providers' own concerns, for the commissioner's and region's figures.
  const otherLead = await actingAs(database, 'prevent.lead@dales-trust.example', rz2);
  await raise(otherLead, {
    subjectType: 'patient',
    subjectName: 'Demo Patient Brennan',
    narrative: 'A community mental health patient spoke of an online group urging attacks.',
    location: 'Community mental health team',
    raisedDaysAgo: 15,
  });
  const independentLead = await actingAs(database, 'prevent.lead@harbourside.example', nz3);
  await raise(independentLead, {
    subjectType: 'staff',
    subjectName: 'Demo Staff Member Pryce',
    narrative: 'A receptionist displayed a far-right symbol on her lanyard.',
    location: 'Reception, Harbourside Clinic',
    raisedDaysAgo: 45,
  });
}
