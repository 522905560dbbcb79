import type { Database, Tx } from '../../db/client.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import * as courses from './courses/repository.ts';
import * as planRepository from './plan/repository.ts';
import * as repository from './repository.ts';
import { defaultNeedsAnalysis, defaultStatusMapping, requiredLevelFor, scopeOfStatus } from './rules.ts';
import type { TrainingLevel, UpdateGroupKind, UpdateKind } from './schema.ts';
import * as updates from './updates/repository.ts';

/*
 * Synthetic staff and Prevent training for the demo providers: invented names, realistic
 * shapes (directorates, ESR staff groups, a mix of up-to-date, expiring, expired and never
 * trained), and the same every time for the same day.
 */

const firstNames = [
  'Alex',
  'Bea',
  'Cal',
  'Dev',
  'Eli',
  'Fern',
  'Gus',
  'Hana',
  'Ivo',
  'Jo',
  'Kit',
  'Lou',
  'Mo',
  'Nia',
  'Oli',
  'Pip',
];
const lastNames = [
  'Ashdown',
  'Birch',
  'Coldwell',
  'Dunmore',
  'Eastfield',
  'Fairley',
  'Greaves',
  'Holt',
  'Ingram',
  'Jessop',
  'Kettle',
];
const structure = [
  { directorate: 'Medicine', departments: ['Acute Medicine', 'Emergency Department', 'Respiratory'] },
  { directorate: 'Surgery', departments: ['Theatres', 'Orthopaedics'] },
  { directorate: 'Women and Children', departments: ['Maternity', 'Paediatrics'] },
  { directorate: 'Corporate Services', departments: ['Estates and Facilities', 'Finance', 'Human Resources'] },
];
const groups: { staffGroup: string; position: string; weight: number }[] = [
  { staffGroup: 'Nursing and Midwifery Registered', position: 'Staff Nurse', weight: 30 },
  { staffGroup: 'Medical and Dental', position: 'Specialty Doctor', weight: 10 },
  { staffGroup: 'Allied Health Professionals', position: 'Physiotherapist', weight: 8 },
  { staffGroup: 'Additional Clinical Services', position: 'Healthcare Assistant', weight: 20 },
  { staffGroup: 'Administrative and Clerical', position: 'Ward Clerk', weight: 20 },
  { staffGroup: 'Estates and Ancillary', position: 'Porter', weight: 12 },
];

/** The staff group whose share of the weights a roll from 0 to the total falls in. */
function weighted(roll: number): (typeof groups)[number] {
  let left = roll;
  for (const group of groups) {
    left -= group.weight;
    if (left < 0) return group;
  }
  return groups[groups.length - 1] as (typeof groups)[number];
}

/** A small seeded generator, so the demo is the same on every machine. */
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const courseFor: Record<TrainingLevel, string> = {
  basic: 'NHS|CSTF|Preventing Radicalisation - Basic Prevent Awareness - 3 Years|',
  level3: 'NHS|CSTF|Preventing Radicalisation - Level 3 - 3 Years|',
};

/** The register: the two courses the demo records name, and a virtual level 3 workshop nobody has done yet. */
async function seedCourses(tx: Tx, orgId: string, today: string): Promise<Record<TrainingLevel, string>> {
  const approved = { approvedBy: 'Prevent lead (demo)', approvedOn: addDays(today, -400) };
  const basic = await courses.insertCourse(tx, orgId, {
    title: courseFor.basic,
    level: 'basic',
    provider: 'NHS England e-Learning for Healthcare',
    delivery: 'e_learning',
    content: ['prevent_duty', 'vulnerability', 'raising_concern', 'channel'],
    ...approved,
  });
  const level3 = await courses.insertCourse(tx, orgId, {
    title: courseFor.level3,
    level: 'level3',
    provider: 'The trust’s safeguarding team',
    delivery: 'face_to_face',
    content: [
      'prevent_duty',
      'vulnerability',
      'ideologies',
      'raising_concern',
      'channel',
      'information_sharing',
      'local_arrangements',
    ],
    ...approved,
  });
  await courses.insertCourse(tx, orgId, {
    title: 'Prevent level 3 virtual workshop',
    level: 'level3',
    provider: 'Regional Prevent coordinator',
    delivery: 'virtual',
    content: ['prevent_duty', 'vulnerability', 'ideologies', 'raising_concern', 'channel', 'information_sharing'],
    ...approved,
  });
  return { basic: basic.id, level3: level3.id };
}

/** Annual updates over the past year (and one older, outside the 12 months), to groups and to people. */
async function seedUpdates(tx: Tx, orgId: string, today: string, someStaff: string[]): Promise<void> {
  const plan: { kind: UpdateKind; title: string; daysAgo: number; group?: [UpdateGroupKind, string] }[] = [
    {
      kind: 'briefing',
      title: 'Prevent briefing: Channel and support pathways',
      daysAgo: 95,
      group: ['department', 'Emergency Department'],
    },
    {
      kind: 'newsletter',
      title: 'Prevent newsletter: what has changed this year',
      daysAgo: 240,
      group: ['staffGroup', 'Administrative and Clerical'],
    },
    { kind: 'session', title: 'Prevent lunchtime update', daysAgo: 40 },
    { kind: 'briefing', title: 'Prevent briefing: ideologies and narratives', daysAgo: 420, group: ['department', 'Maternity'] },
  ];
  for (const u of plan) {
    const heldOn = addDays(today, -u.daysAgo);
    const staffIds = u.group ? await updates.staffInGroup(tx, orgId, u.group[0], u.group[1], heldOn) : someStaff;
    if (staffIds.length === 0) continue;
    await updates.insertUpdate(
      tx,
      orgId,
      {
        kind: u.kind,
        title: u.title,
        heldOn,
        deliveredBy: 'Prevent lead (demo)',
        groupKind: u.group?.[0] ?? null,
        groupName: u.group?.[1] ?? null,
        createdBy: null,
      },
      staffIds,
    );
  }
}

export async function seedTrainingDemo(
  database: Database,
  orgs: Map<string, { id: string }>,
  today = todayInLondon(),
): Promise<void> {
  const plan: { ods: string; size: number; seed: number; prefix: string }[] = [
    { ods: 'RZ1', size: 240, seed: 11, prefix: '1' },
    { ods: 'RZ2', size: 150, seed: 23, prefix: '2' },
    { ods: 'NZ3', size: 60, seed: 37, prefix: '3' },
  ];
  for (const { ods, size, seed, prefix } of plan) {
    const org = orgs.get(ods);
    if (!org) throw new Error(`demo organisation ${ods} missing`);
    const random = generator(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const totalWeight = groups.reduce((sum, g) => sum + g.weight, 0);
    await database.db.transaction(async (tx) => {
      const courseIds = await seedCourses(tx as Tx, org.id, today);
      const chosen: string[] = [];
      for (let i = 0; i < size; i++) {
        const group = weighted(random() * totalWeight);
        const place = pick(structure);
        const status = i % 47 === 5 ? 'Maternity & Adoption' : 'Active Assignment';
        const firstName = pick(firstNames);
        const lastName = pick(lastNames);
        const requiredLevel = requiredLevelFor(defaultNeedsAnalysis, group.staffGroup, group.position);
        // The demo staff account (Sam Okafor) is the first person at the foundation trust.
        const isSam = ods === 'RZ1' && i === 0;
        const person = await repository.insertStaff(tx, org.id, {
          employeeNumber: `${prefix}${String(10000 + i).padStart(7, '0')}`,
          assignmentNumber: `${prefix}${String(10000 + i).padStart(7, '0')}-1`,
          firstName: isSam ? 'Sam' : firstName,
          lastName: isSam ? 'Okafor' : lastName,
          email: isSam ? 'staff@northshire-ft.example' : null,
          managerEmail: null,
          directorate: place.directorate,
          department: pick(place.departments),
          positionTitle: group.position,
          staffGroup: group.staffGroup,
          assignmentStatus: status,
          longTermAbsence: scopeOfStatus(defaultStatusMapping, status) === 'long_term_absence',
          startedOn: addDays(today, -Math.floor(200 + random() * 4000)),
          leftOn: i % 53 === 7 ? addDays(today, -Math.floor(10 + random() * 200)) : null,
          requiredLevel,
        });
        if (i % 20 === 3) chosen.push(person.id);
        // About 8 in 10 up to date, some due soon, some lapsed, a few never trained.
        const outcome = random();
        if (outcome > 0.95) continue;
        const ageDays =
          outcome < 0.72
            ? Math.floor(random() * 900)
            : outcome < 0.82
              ? 1000 + Math.floor(random() * 85)
              : 1100 + Math.floor(random() * 600);
        const completedOn = addDays(today, -(isSam ? 1050 : ageDays));
        const records: repository.NewRecord[] = [
          {
            staffId: person.id,
            course: courseFor[requiredLevel],
            courseId: courseIds[requiredLevel],
            level: requiredLevel,
            completedOn,
            expiresOn: addDays(completedOn, 3 * 365),
            noExpiry: false,
            source: 'import',
          },
        ];
        await repository.insertRecords(tx, org.id, records);
      }
      await repository.refreshFigures(tx, org.id);
      await repository.syncAbsences(tx, org.id, today);
      await seedUpdates(tx as Tx, org.id, today, chosen);
      await planRepository.saveElearningPlaces(tx, org.id, 'basic', Math.ceil(size / 24));
    });
  }
}
