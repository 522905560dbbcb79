/**
 * What people are told of changes to accounts and roles. The users module enqueues a job for each
 * change, in the change's transaction; this module, which is built on the users module, runs them.
 */
import type { JobHandler } from '../../platform/modules.ts';
import { isRole, preventLeadRoles, roleNames } from '../../platform/permissions.ts';
import * as organisations from '../organisations/service.ts';
import {
  type AccountChange,
  accountChangedJob,
  caseDataOrganisationsOf,
  caseRoleGrantedJob,
  caseRoleRemovedJob,
  findById,
  roleGivenJob,
} from '../users/service.ts';
import { notifyPerson, notifyRoles } from './service.ts';

const nameOfRole = (role: string) => (isRole(role) ? roleNames[role] : role);

const tellLeadsOfCaseRoleGiven: JobHandler = async (database, payload) => {
  const role = String(payload.role);
  await notifyRoles(database, String(payload.orgId), preventLeadRoles, {
    kind: 'case-role-granted',
    title: `${String(payload.name)} can now open concern cases`,
    body: `${String(payload.by)} gave ${String(payload.name)} the role ${nameOfRole(role)}, which can open concern cases. If you did not expect this, ask your system administrator to remove it.`,
  });
};

const tellLeadsOfCaseRoleRemoved: JobHandler = async (database, payload) => {
  await notifyRoles(database, String(payload.orgId), preventLeadRoles, {
    kind: 'case-role-removed',
    title: `${String(payload.name)} can no longer open concern cases`,
    body: `${String(payload.by)} removed the role ${nameOfRole(String(payload.role))} from ${String(payload.name)}. Cases assigned to them may need someone else.`,
  });
};

/** The person learns of every role given to them, and by whom: an account is theirs, wherever it is used. */
const tellPersonOfRoleGiven: JobHandler = async (database, payload) => {
  const [org, by] = await Promise.all([
    organisations.findById(database.db, String(payload.orgId)),
    findById(database.db, String(payload.byUserId)),
  ]);
  if (!org) return;
  await notifyPerson(database, String(payload.userId), org.id, {
    kind: 'role-given',
    title: `You have a new role at ${org.name}`,
    body:
      `${by?.displayName ?? 'An administrator'} at ${org.name} (${org.odsCode}) gave you the role ${nameOfRole(String(payload.role))}. ` +
      'You sign in as before, with the same password. If you did not expect this, tell your own organisation’s Prevent lead or system administrator.',
    link: '/account',
  });
};

const changeWords: Record<AccountChange, (name: string) => string> = {
  'mfa-reset': (name) => `${name}’s multi-factor authentication was reset`,
  deactivated: (name) => `${name}’s account was deactivated`,
  reactivated: (name) => `${name}’s account was reactivated`,
  'sign-in-link': (name) => `A new sign-in link was made for ${name}`,
};

/** The leads of every organisation where the account can open concern cases hear of a change an administrator made to it. */
const tellLeadsOfAccountChange: JobHandler = async (database, payload) => {
  const change = String(payload.change) as AccountChange;
  const words = changeWords[change];
  if (!words) throw new Error(`Unknown account change ${change}`);
  const [person, by, byOrg] = await Promise.all([
    findById(database.db, String(payload.userId)),
    findById(database.db, String(payload.byUserId)),
    organisations.findById(database.db, String(payload.byOrgId)),
  ]);
  if (!person) return;
  for (const orgId of await caseDataOrganisationsOf(database.db, person.id)) {
    await notifyRoles(database, orgId, preventLeadRoles, {
      kind: 'account-changed',
      title: words(person.displayName),
      body: `${by?.displayName ?? 'An administrator'} of ${byOrg?.name ?? 'an organisation'} did this. ${person.displayName} can open concern cases in your organisation: if you did not expect it, ask your system administrator.`,
    });
  }
};

/** The account notices' job handlers, by the kinds the users module enqueues. */
export const accountNoticeHandlers: Record<string, JobHandler> = {
  [caseRoleGrantedJob]: tellLeadsOfCaseRoleGiven,
  [caseRoleRemovedJob]: tellLeadsOfCaseRoleRemoved,
  [roleGivenJob]: tellPersonOfRoleGiven,
  [accountChangedJob]: tellLeadsOfAccountChange,
};
