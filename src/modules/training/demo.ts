import type { Database } from '../../db/client.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import * as repository from './repository.ts';
import { defaultNeedsAnalysis, defaultStatusMapping, requiredLevelFor, scopeOfStatus } from './rules.ts';
import type { TrainingLevel } from './schema.ts';

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
    });
  }
}
