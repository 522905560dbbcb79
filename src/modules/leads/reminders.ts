import type { Database } from '../../db/client.ts';
import { commissionerLeadRoles, preventLeadRoles } from '../../platform/permissions.ts';
import type { Reminder } from '../notifications/service.ts';
import { vacantPostsEverywhere } from './service.ts';

/**
 * A post left vacant: the organisation's leads and administrators are reminded, and a
 * provider's commissioning ICB is told too. The key names the post and since when, so each
 * vacancy is reminded of once.
 */
export async function vacancyReminders(database: Database, today: string): Promise<Reminder[]> {
  const vacancies = await vacantPostsEverywhere(database, today);
  return vacancies.flatMap(({ org, post, postName, since }) => {
    const key = `lead-vacant:${org.id}:${post}:${since ?? 'never'}`;
    const body = `${org.name} (${org.odsCode}) has no ${postName.toLowerCase()}${since ? ` since ${since}` : ''}. The core standards require one.`;
    const own: Reminder = {
      key,
      orgId: org.id,
      roles: [...preventLeadRoles, 'system_admin'],
      title: `No ${postName.toLowerCase()}`,
      body: `${body} Record who holds the post.`,
      link: '/leads',
    };
    if (!org.commissionerId) return [own];
    return [
      own,
      {
        key: `${key}:commissioner`,
        orgId: org.commissionerId,
        roles: commissionerLeadRoles,
        title: `${org.name}: no ${postName.toLowerCase()}`,
        body,
        link: '/providers',
      },
    ];
  });
}
