import type { Database } from '../../db/client.ts';
import type { DemoOrganisations } from '../../platform/modules.ts';
import { actingAs } from '../concerns/demo.ts';
import { listCases } from '../concerns/service.ts';
import { decideMarker } from './service.ts';

/** The lead has put the marker on the record of every demo patient past triage; the concern raised today has none yet. */
export async function seedPatientRecordDemo(database: Database, organisations: DemoOrganisations): Promise<void> {
  const rz1 = organisations.get('RZ1')?.id;
  if (!rz1) throw new Error('demo organisations missing');
  const lead = await actingAs(database, 'prevent.lead@northshire-ft.example', rz1);
  const patients = await listCases(database.db, lead, { status: 'open', subjectType: 'patient' });
  for (const c of patients.cases) if (c.status !== 'new') await decideMarker(database.db, lead, c.id, { place: 'yes' });
}
