import type { Db } from '../../db/client.ts';
import { withScope } from '../../db/tenancy.ts';
import type { RequestContext } from '../../platform/context.ts';
import { todayInLondon } from '../../platform/dates.ts';
import * as leads from '../leads/service.ts';
import * as organisations from '../organisations/service.ts';
import * as policies from '../policies/service.ts';
import * as programme from '../programme/service.ts';

export type ProviderOverview = {
  org: organisations.Organisation;
  kindName: string;
  leads: leads.CurrentLeads;
  vacant: leads.LeadPost[];
  programme: Awaited<ReturnType<typeof programme.programmeProgress>>;
  policies: policies.PolicyStatus;
};

/**
 * The commissioner's view: each provider in reach with its current leads (and when the ICB was
 * told), its work programme progress and its policy status. Governance records only: the scope
 * is widened to the providers, and row-level security still gives no case data.
 */
export async function providerOverview(db: Db, ctx: RequestContext, today = todayInLondon()): Promise<ProviderOverview[]> {
  const providers = await organisations.providersInReach(db, ctx);
  const ids = providers.map((p) => p.id);
  const currentLeads = await leads.currentLeadsFor(db, ctx, ids, today);
  return withScope(db, { userId: ctx.user.id, orgIds: [ctx.user.activeOrg.id, ...ids] }, async (tx) => {
    const overview: ProviderOverview[] = [];
    for (const org of providers) {
      const held = currentLeads.get(org.id) ?? { accountable: null, operational: null };
      overview.push({
        org,
        kindName: organisations.kindNames[org.kind],
        leads: held,
        vacant: leads.vacantPosts(held),
        programme: await programme.programmeProgress(tx, org.id, today),
        policies: await policies.policyStatus(tx, org.id, today),
      });
    }
    return overview;
  });
}
