import type { Database } from '../../db/client.ts';
import { canFor } from '../../platform/can.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Actor } from '../audit/service.ts';
import * as users from './service.ts';

/** The audit trail names the demo loader, not the person, for what the demo records in their name. */
const seeder: Actor = { userId: null, label: 'demo data loader', ip: null };

/** A demo account acting for an organisation, for the modules' demo data. */
export async function demoActingAs(database: Database, email: string, orgId: string): Promise<RequestContext> {
  const found = await users.findByEmail(database.db, email);
  const user = found ? await users.describeUser(database.db, found.id, orgId) : null;
  if (!user) throw new Error(`demo account ${email} missing`);
  return { user, can: canFor(user), actor: seeder, scope: { userId: user.id, orgIds: [orgId] } };
}
