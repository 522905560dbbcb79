import { modules, wireModules } from '../app.ts';
import type { Database } from '../db/client.ts';
import type { Actor } from '../modules/audit/service.ts';
import * as organisations from '../modules/organisations/service.ts';
import * as users from '../modules/users/service.ts';
import { type Role, roleNames } from '../platform/permissions.ts';

/** Published on purpose: the demo is synthetic and must never be loaded into a real install. */
export const demoPassword = 'demo-prevent-assure';

const seeder: Actor = { userId: null, label: 'demo data loader', ip: null };

const region = 'Northshire and Dales (demo region)';

const demoOrganisations = [
  { odsCode: 'Y99', name: 'NHS England — Northshire and Dales (demo)', kind: 'nhse_region' },
  { odsCode: 'QZZ', name: 'NHS Northshire Integrated Care Board', kind: 'icb' },
  {
    odsCode: 'RZ1',
    name: 'Northshire Teaching Hospitals NHS Foundation Trust',
    kind: 'nhs_foundation_trust',
    commissionerOds: 'QZZ',
  },
  { odsCode: 'RZ2', name: 'Dales Community and Mental Health NHS Trust', kind: 'nhs_trust', commissionerOds: 'QZZ' },
  { odsCode: 'NZ3', name: 'Harbourside Independent Clinics Ltd', kind: 'independent_provider', commissionerOds: 'QZZ' },
] as const;

/** One account for every role, most of them at the foundation trust; names are invented. */
const demoAccounts: { email: string; displayName: string; ods: string; role: Role }[] = [
  { email: 'staff@northshire-ft.example', displayName: 'Sam Okafor', ods: 'RZ1', role: 'staff' },
  { email: 'practitioner@northshire-ft.example', displayName: 'Priya Natarajan', ods: 'RZ1', role: 'safeguarding_practitioner' },
  { email: 'prevent.lead@northshire-ft.example', displayName: 'Jordan Ellis', ods: 'RZ1', role: 'operational_lead' },
  { email: 'director@northshire-ft.example', displayName: 'Morgan Hale', ods: 'RZ1', role: 'accountable_lead' },
  { email: 'training@northshire-ft.example', displayName: 'Taylor Brook', ods: 'RZ1', role: 'training_admin' },
  { email: 'board@northshire-ft.example', displayName: 'Casey Marsh', ods: 'RZ1', role: 'board_viewer' },
  { email: 'admin@northshire-ft.example', displayName: 'Robin Carter', ods: 'RZ1', role: 'system_admin' },
  { email: 'prevent.lead@dales-trust.example', displayName: 'Avery Quinn', ods: 'RZ2', role: 'operational_lead' },
  { email: 'prevent.lead@harbourside.example', displayName: 'Rowan Pike', ods: 'NZ3', role: 'operational_lead' },
  { email: 'commissioner@northshire-icb.example', displayName: 'Dana Whitfield', ods: 'QZZ', role: 'commissioner_lead' },
  { email: 'admin@northshire-icb.example', displayName: 'Lee Farrow', ods: 'QZZ', role: 'system_admin' },
  { email: 'regional@northshire-region.example', displayName: 'Harper Lowe', ods: 'Y99', role: 'regional_lead' },
  // Given read-only access to the foundation trust's CQC evidence for 30 days from when the demo is loaded.
  { email: 'inspector@cqc.example', displayName: 'Alex Rivers', ods: 'RZ1', role: 'cqc_inspector' },
];

export type DemoAccount = { email: string; role: string; organisation: string };

export async function isDemoLoaded(database: Database): Promise<boolean> {
  return (await organisations.findByOdsCode(database.db, 'QZZ')) !== undefined;
}

/** Loads the demo; returns the accounts, or null if the database already holds organisations. */
export async function seedDemoIfEmpty(database: Database): Promise<DemoAccount[] | null> {
  if ((await organisations.listAll(database.db)).length > 0) return null;
  return seedDemo(database);
}

/** The demo organisations and an account for every role, then each module's demo data in the order of src/app.ts. */
export async function seedDemo(database: Database): Promise<DemoAccount[]> {
  // The modules' demo data goes through their services, which emit events (a referral starts its review).
  const list = wireModules(modules());
  const ids = new Map<string, { id: string; name: string }>();
  for (const org of demoOrganisations) {
    const created = await organisations.addOrganisation(database.db, seeder, { ...org, region });
    ids.set(org.odsCode, { id: created.id, name: created.name });
  }
  const accounts: DemoAccount[] = [];
  for (const account of demoAccounts) {
    const org = ids.get(account.ods);
    if (!org) throw new Error(`demo organisation ${account.ods} missing`);
    const forSetTime = account.role === 'cqc_inspector' ? { expiresAt: new Date(Date.now() + 30 * 86_400_000) } : {};
    await users.createAdministrator(database.db, seeder, { ...account, orgId: org.id, password: demoPassword, ...forSetTime });
    accounts.push({ email: account.email, role: roleNames[account.role], organisation: org.name });
  }
  for (const module of list) await module.demoSeed?.(database, ids);
  return accounts;
}
