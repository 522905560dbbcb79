import type { Database } from '../../db/client.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { demoActingAs } from '../users/demo.ts';
import * as caseStudies from './case-study-service.ts';
import * as learning from './group-service.ts';
import * as lessons from './service.ts';

/** Invented from start to finish: the names, numbers and places belong to no one. */
const summary = [
  'Mr Nathan Orme, aged 19, was seen in the emergency department on 14 July 2026 after a fall.',
  'While waiting he asked staff for the home addresses of two local councillors and spoke of punishing them.',
  'The nurse in charge, Claire Dunmore, raised a Prevent concern the same day. The safeguarding team checked the records,',
  'found no previous concerns, and the Prevent lead referred him to police Prevent after a recorded decision to share.',
  'Police managed the case; the GP and the community mental health team were told with his agreement.',
].join(' ');

/**
 * Northshire's lessons learned work: the oldest referral's review completed with its actions, and a
 * case study approved and shared; the ICB's group with a meeting, its agreed learning and an action.
 */
export async function seedLessonsDemo(database: Database, ids: Map<string, { id: string }>): Promise<void> {
  const rz1 = ids.get('RZ1')?.id;
  const icb = ids.get('QZZ')?.id;
  if (!rz1 || !icb) throw new Error('demo organisations missing');
  const db = database.db;
  const today = todayInLondon();
  const lead = await demoActingAs(database, 'prevent.lead@northshire-ft.example', rz1);

  const { reviews } = await lessons.reviewList(db, lead);
  const oldest = [...reviews].sort((a, b) => a.startedOn.localeCompare(b.startedOn))[0];
  if (!oldest) throw new Error('the demo referrals have no reviews');
  await lessons.saveReview(db, lead, oldest.id, {
    wentWell: 'The nurse in charge raised the concern the same day and the records check was done within hours.',
    couldBeBetter: 'The decision to share with police waited for the on-call lead overnight.',
    learningPoints: 'Out-of-hours staff need to know the referral route and who can record a sharing decision at night.',
    themes: 'public figures, out of hours, information sharing',
    status: 'complete',
  });
  await lessons.addAction(db, lead, oldest.id, {
    description: 'Add the Prevent referral route to the out-of-hours site manager handbook',
    owner: 'Jordan Ellis',
    dueOn: addDays(today, 21),
  });
  await lessons.addAction(db, lead, oldest.id, {
    description: 'Brief the emergency department on asking for consent to tell the GP',
    owner: 'Emergency department matron',
    dueOn: addDays(today, -10),
  });

  const studyId = await caseStudies.draftCaseStudy(db, lead, oldest.id, {
    title: 'Threats to local councillors voiced in the emergency department',
    summary,
    otherNames: 'Claire Dunmore',
    dates: 'month',
    themes: 'public figures, out of hours',
  });
  await caseStudies.approveCaseStudy(db, lead, studyId, { confirm: 'yes' });
  await caseStudies.shareCaseStudy(db, lead, studyId);

  const commissioner = await demoActingAs(database, 'commissioner@northshire-icb.example', icb);
  const meetingId = await learning.addMeeting(db, commissioner, {
    heldOn: addDays(today, -14),
    attendees:
      'Dana Whitfield (Northshire ICB, chair), Prevent leads of Northshire Teaching Hospitals, Dales Community and Mental Health and Harbourside, police Prevent, the local authority Prevent coordinator',
    notes: 'Discussed the emergency department case study and out-of-hours cover.',
    agreedLearning: 'Every provider makes sure its out-of-hours managers can record a decision to share with police Prevent.',
  });
  await learning.addGroupAction(db, commissioner, {
    description: 'Share the out-of-hours handbook page with the other providers',
    ownerOrgId: rz1,
    owner: 'Jordan Ellis',
    dueOn: addDays(today, 30),
    meetingId,
  });
}
