import type { Database } from '../../db/client.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import type { DemoOrganisations } from '../../platform/modules.ts';
import { demoActingAs } from '../users/demo.ts';
import * as contracts from './service.ts';

/**
 * Northshire ICB's contract register: a contract with each of its providers. The Dales trust's has
 * no SC32 Prevent clauses and is past its review date; the foundation trust's was checked six weeks
 * ago (partly assured), with an open action owned by the trust and one the ICB has done; the
 * independent provider's was checked last year and assured.
 */
export async function seedContractsDemo(database: Database, ids: DemoOrganisations): Promise<void> {
  const icb = ids.get('QZZ')?.id;
  const rz1 = ids.get('RZ1')?.id;
  const rz2 = ids.get('RZ2')?.id;
  const nz3 = ids.get('NZ3')?.id;
  if (!icb || !rz1 || !rz2 || !nz3) throw new Error('demo organisations missing');
  const db = database.db;
  const today = todayInLondon();
  const commissioner = await demoActingAs(database, 'commissioner@northshire-icb.example', icb);

  const acute = await contracts.addContract(db, commissioner, {
    providerOrgId: rz1,
    name: 'Acute and community services',
    reference: 'NHSSC-QZZ-RZ1-01',
    sc32Included: 'yes',
    startsOn: addDays(today, -600),
    endsOn: addDays(today, 495),
    reviewOn: addDays(today, 130),
    notes: 'NHS Standard Contract (full length). Prevent reporting through the quarterly safeguarding return.',
  });
  await contracts.addContract(db, commissioner, {
    providerOrgId: rz2,
    name: 'Mental health and community services',
    reference: 'NHSSC-QZZ-RZ2-01',
    sc32Included: 'no',
    startsOn: addDays(today, -800),
    reviewOn: addDays(today, -20),
    notes: 'Varied in year; the safeguarding schedule was not carried over. To be put right at the review.',
  });
  const clinics = await contracts.addContract(db, commissioner, {
    providerOrgId: nz3,
    name: 'Outpatient clinics (shorter form)',
    reference: 'NHSSC-QZZ-NZ3-02',
    sc32Included: 'yes',
    startsOn: addDays(today, -400),
    endsOn: addDays(today, 330),
    reviewOn: addDays(today, 60),
  });

  const checkId = await contracts.recordCheck(
    db,
    commissioner,
    acute.id,
    {
      checkedOn: addDays(today, -42),
      checked: ['contract', 'training', 'safeguarding'],
      findings:
        'SC32 and the Prevent reporting requirements are in the contract. Level 3 Prevent training in the emergency department is below 85%. Prevent is on the agenda of the safeguarding committee and in the adult safeguarding policy.',
      rating: 'partly_assured',
      checkedBy: 'Dana Whitfield',
    },
    today,
  );
  await contracts.addAction(db, commissioner, checkId, {
    description: 'Bring level 3 Prevent training in the emergency department to 85% and report progress monthly',
    ownedBy: 'provider',
    ownerName: 'Jordan Ellis',
    dueOn: addDays(today, 48),
  });
  await contracts.addAction(db, commissioner, checkId, {
    description: 'Send the trust the ICB’s Prevent contract monitoring template',
    ownedBy: 'icb',
    ownerName: 'Dana Whitfield',
    dueOn: addDays(today, -28),
  });
  const [sent] = (await contracts.providerContracts(db, commissioner, rz1, today)).actions.filter((a) => !a.ownedByProvider);
  if (sent) await contracts.markActionDone(db, commissioner, sent.id, addDays(today, -30));

  await contracts.recordCheck(
    db,
    commissioner,
    clinics.id,
    {
      checkedOn: addDays(today, -300),
      checked: ['contract', 'training'],
      findings: 'Prevent clauses in the contract; every clinic’s staff trained to the level the needs analysis sets.',
      rating: 'assured',
      checkedBy: 'Dana Whitfield',
    },
    today,
  );
}
