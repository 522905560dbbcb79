import { registerJobHandler } from '../../platform/jobs.ts';
import { isRole, roleNames } from '../../platform/permissions.ts';
import { notifyRoles } from '../notifications/service.ts';
import { caseRoleGrantedJob } from './service.ts';

// Separate from the service so that users/service.ts need not import the notifications module (which imports it).
registerJobHandler(caseRoleGrantedJob, async (database, payload) => {
  const role = String(payload.role);
  await notifyRoles(database, String(payload.orgId), ['operational_lead', 'accountable_lead'], {
    kind: 'case-role-granted',
    title: `${String(payload.name)} can now open concern cases`,
    body: `${String(payload.by)} gave ${String(payload.name)} the role ${isRole(role) ? roleNames[role] : role}, which can open concern cases. If you did not expect this, ask your system administrator to remove it.`,
  });
});
