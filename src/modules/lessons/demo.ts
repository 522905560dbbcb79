import type { Database } from '../../db/client.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import { demoActingAs } from '../users/demo.ts';
import * as caseStudies from './case-study-service.ts';
import * as learning from './group-service.ts';
import * as partners from './partner-service.ts';
import * as lessons from './service.ts';

/** Invented from start to finish: the names, numbers and places belong to no one. */
const summary = [
  'Mr Nathan Orme, aged 19, was seen in the emergency department on 14 July 2026 after a fall.',
  'While waiting he asked staff for the home addresses of two local councillors and spoke of punishing them.',
  'The nurse in charge, Claire Dunmore, raised a Prevent concern the same day. The safeguarding team checked the records,',
  'found no previous concerns, and the Prevent lead referred him to police Prevent after a recorded decision to share.',
  'Police managed the case; the GP and the community mental health team were told with his agreement.',
].join(' ');

/** The second case study: written without names, so the anonymiser has little to take out. */
const channelSummary = [
  'A woman in her twenties on a medical ward told the nurse she had been groomed online by a group recruiting women to travel abroad.',
  'The nurse told the ward sister, who raised a Prevent concern the same shift. The Prevent lead recorded a decision to share with her agreement',
  'and referred her to police Prevent; the case was taken to a Channel panel, which adopted it and appointed a mentor.',
].join(' ');

/**
 * Northshire's lessons learned work: the oldest referral's review completed with its actions, and two
 * case studies approved and shared; the ICB's group with partner members from police and the local
 * authority, a meeting they attended, its agreed learning, an action of a provider's and one of a partner's.
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
  await shareChannelCaseStudy(db, lead, reviews, oldest.id);

  const commissioner = await demoActingAs(database, 'commissioner@northshire-icb.example', icb);
  const police = await partners.addPartner(db, commissioner, {
    name: 'Demo Officer Kit Marlow',
    agency: 'Counter Terrorism Policing North East (demo)',
    kind: 'police',
  });
  const council = await partners.addPartner(db, commissioner, {
    name: 'Demo Coordinator Robin Ashby',
    agency: 'Northshire Council Prevent team (demo)',
    kind: 'local_authority',
  });
  const meetingId = await learning.addMeeting(db, commissioner, {
    heldOn: addDays(today, -14),
    attendees:
      'Dana Whitfield (Northshire ICB, chair), Prevent leads of Northshire Teaching Hospitals, Dales Community and Mental Health and Harbourside',
    partnerIds: [police, council],
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
  await learning.addGroupAction(db, commissioner, {
    description: 'Send the providers the police Prevent out-of-hours contact route',
    ownerOrgId: `partner:${police}`,
    dueOn: addDays(today, 10),
    meetingId,
  });
}

/** The Channel referral's review, completed, and a case study from it approved and shared: the region reads two. */
async function shareChannelCaseStudy(
  db: Parameters<typeof lessons.reviewList>[0],
  lead: Parameters<typeof lessons.reviewList>[1],
  reviews: { id: string; startedOn: string }[],
  oldestId: string,
): Promise<void> {
  const review = [...reviews].filter((r) => r.id !== oldestId).sort((a, b) => a.startedOn.localeCompare(b.startedOn))[0];
  if (!review) throw new Error('the demo referrals have one review only');
  await lessons.saveReview(db, lead, review.id, {
    wentWell: 'The ward sister raised the concern within the shift and consent was sought and given.',
    couldBeBetter: 'The ward did not know whom to call for advice before the Prevent lead was free.',
    learningPoints: 'Wards need the safeguarding team’s advice line on the Prevent page of the intranet.',
    themes: 'online radicalisation, channel, consent',
    status: 'complete',
  });
  const id = await caseStudies.draftCaseStudy(db, lead, review.id, {
    title: 'Online grooming disclosed on a medical ward',
    summary: channelSummary,
    dates: 'month',
    themes: 'online radicalisation, channel, consent',
  });
  await caseStudies.approveCaseStudy(db, lead, id, { confirm: 'yes' });
  await caseStudies.shareCaseStudy(db, lead, id);
}
