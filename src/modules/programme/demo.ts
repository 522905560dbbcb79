import type { Database } from '../../db/client.ts';
import type { RequestContext } from '../../platform/context.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { demoActingAs } from '../users/demo.ts';
import * as users from '../users/service.ts';
import * as programme from './service.ts';

type Change = {
  status: programme.ItemStatus;
  /** Days from today; kept inside the programme year. */
  dueInDays: number;
  ownerEmail?: string;
  ownerName?: string;
  notes?: string;
  evidence?: programme.EvidenceLink[];
};

function fields(change: Change, item: programme.Item, owners: Map<string, string>, due: string) {
  const input: Record<string, string> = {
    title: item.title,
    area: item.area,
    status: change.status,
    dueOn: due,
    ownerUserId: change.ownerEmail ? (owners.get(change.ownerEmail) ?? '') : '',
    ownerName: change.ownerName ?? '',
    notes: change.notes ?? '',
  };
  (change.evidence ?? []).forEach((link, i) => {
    input[`evidence${i}Label`] = link.label;
    input[`evidence${i}Url`] = link.url;
  });
  return input;
}

/**
 * Fills in a programme: each change applies to the item at the same position. An item meant to
 * be overdue is left as it is on the year's first day, when no date in the year has passed yet.
 */
async function apply(
  database: Database,
  ctx: RequestContext,
  year: number,
  today: string,
  changes: Change[],
  extra: (Change & { title: string; area: programme.ProgrammeArea })[],
): Promise<void> {
  const byEmail = new Map<string, string>();
  for (const change of [...changes, ...extra]) {
    const user = change.ownerEmail ? await users.findByEmail(database.db, change.ownerEmail) : undefined;
    if (change.ownerEmail && user) byEmail.set(change.ownerEmail, user.id);
  }
  const page = await programme.programmePage(database.db, ctx, year, today);
  const window = page.programme;
  if (!window) throw new Error('demo programme missing');
  const within = (days: number) => programme.dayWithin(addDays(today, days), window);
  for (const [i, change] of changes.entries()) {
    const item = page.items[i];
    if (!item) continue;
    const due = within(change.dueInDays);
    if (change.status !== 'done' && change.dueInDays < 0 && due >= today) continue;
    await programme.updateItem(database.db, ctx, item.id, fields(change, item, byEmail, due));
  }
  for (const change of extra) {
    const input = fields(change, { title: change.title, area: change.area } as programme.Item, byEmail, within(change.dueInDays));
    await programme.addItem(database.db, ctx, year, input);
  }
}

/**
 * The demo's work programmes, built around today: the foundation trust (RZ1) about half done
 * with one item overdue, the ICB (QZZ) with its primary-care item under way, and RZ2 with none.
 */
export async function seedProgrammeDemo(database: Database, ids: Map<string, { id: string; name: string }>): Promise<void> {
  const today = todayInLondon();
  const rz1 = ids.get('RZ1')?.id;
  const icb = ids.get('QZZ')?.id;
  if (!rz1 || !icb) throw new Error('demo organisations missing');

  const trust = await demoActingAs(database, 'prevent.lead@northshire-ft.example', rz1);
  const trustYear = await programme.currentYear(database.db, trust, today);
  await programme.startProgramme(database.db, trust, trustYear, today);
  await apply(
    database,
    trust,
    trustYear,
    today,
    [
      {
        status: 'done',
        dueInDays: -60,
        ownerEmail: 'training@northshire-ft.example',
        notes: 'Needs analysis refreshed against the NHS England Prevent training and competencies framework.',
        evidence: [{ label: 'Prevent training needs analysis', url: 'https://intranet.northshire-ft.example/prevent/tna' }],
      },
      {
        status: 'in_progress',
        dueInDays: -10,
        ownerEmail: 'prevent.lead@northshire-ft.example',
        notes: 'Waiting for this year’s counter terrorism local profile briefing.',
      },
      {
        status: 'done',
        dueInDays: -30,
        ownerEmail: 'director@northshire-ft.example',
        evidence: [{ label: 'Board paper: Prevent update', url: 'https://intranet.northshire-ft.example/board/prevent-update' }],
      },
      { status: 'in_progress', dueInDays: 10, ownerEmail: 'prevent.lead@northshire-ft.example' },
    ],
    [
      {
        title: 'Present the annual Prevent report to the trust board',
        area: 'other',
        status: 'done',
        dueInDays: -5,
        ownerEmail: 'director@northshire-ft.example',
      },
      {
        title: 'Reach 85% of staff trained in basic Prevent awareness',
        area: 'training_needs_analysis',
        status: 'not_started',
        dueInDays: 90,
        ownerName: 'Learning and development team',
      },
    ],
  );

  const commissioner = await demoActingAs(database, 'admin@northshire-icb.example', icb);
  const icbYear = await programme.currentYear(database.db, commissioner, today);
  await programme.startProgramme(database.db, commissioner, icbYear, today);
  await apply(
    database,
    commissioner,
    icbYear,
    today,
    [
      { status: 'done', dueInDays: -45, ownerEmail: 'commissioner@northshire-icb.example' },
      { status: 'in_progress', dueInDays: 30, ownerEmail: 'commissioner@northshire-icb.example' },
      { status: 'not_started', dueInDays: 120, ownerEmail: 'commissioner@northshire-icb.example' },
      { status: 'in_progress', dueInDays: 60, ownerName: 'Northshire Prevent partnership board' },
      {
        status: 'in_progress',
        dueInDays: 45,
        ownerEmail: 'commissioner@northshire-icb.example',
        notes: 'Prevent session booked for the GP safeguarding leads forum.',
      },
    ],
    [],
  );
}
