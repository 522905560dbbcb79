import type { Database } from '../../db/client.ts';
import { todayInLondon } from '../../platform/dates.ts';
import type { DemoOrganisations } from '../../platform/modules.ts';
import { demoActingAs } from '../users/demo.ts';
import * as reports from './service.ts';

/*
 * The demo's board reports: the foundation trust's report for last year, approved, presented to its board
 * and shared with the ICB and the region; and its draft for this year, with the sections a person writes.
 */
export async function seedReportsDemo(database: Database, orgs: DemoOrganisations): Promise<void> {
  const db = database.db;
  const today = todayInLondon();
  const rz1 = orgs.get('RZ1');
  if (!rz1) throw new Error('demo organisation RZ1 missing');
  const director = await demoActingAs(database, 'director@northshire-ft.example', rz1.id);
  const year = reports.financialYearOf(today);

  const last = await reports.startDraft(db, director, { year: String(year - 1) }, today);
  await reports.saveWritten(db, director, last.id, {
    significantIncidents: 'None this year.',
    resourcesAnswer: 'adequate',
    resourcesStatement: 'The operational lead has protected time for Prevent and the training team delivers level 3 monthly.',
    priorities: 'Raise level 3 compliance in the emergency department; review the Prevent policy with the new guidance.',
  });
  await reports.approve(db, director, last.id, { confirm: 'yes' }, today);
  await reports.recordPresented(db, director, last.id, { presentedOn: today, minuteReference: 'BM/26/114' }, today);
  await reports.share(db, director, last.id);

  const draft = await reports.startDraft(db, director, { year: String(year) }, today);
  await reports.saveWritten(db, director, draft.id, {
    significantIncidents: '',
    resourcesAnswer: 'adequate',
    resourcesStatement: 'To be confirmed at the year end.',
    priorities: 'Keep level 3 compliance above the target; take part in the ICB’s lessons learned group.',
  });
}
