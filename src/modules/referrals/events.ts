import { defineEvent } from '../../platform/events.ts';
import type { OpenCase } from '../concerns/service.ts';

/**
 * A case was referred to police Prevent. Emitted inside the referral's transaction, so whatever a
 * subscriber does (the lessons module starts the case's review) commits with the referral or not at all.
 */
export type ReferralMade = { open: OpenCase; referralId: string; referredOn: string };
export const referralMade = defineEvent<ReferralMade>('referrals.referral-made');
