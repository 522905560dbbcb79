import type { OrganisationKind } from '../organisations/service.ts';
import type * as repository from './repository.ts';

/* What the standard requires a Prevent framework or policy to contain, for each kind of organisation. */

export type ChecklistItem = { key: string; text: string };

/**
 * What the core standards (2024) require a Prevent framework or policy to contain. ICBs
 * ("commissioning boards") and providers have different lists: an ICB's covers Channel
 * pathways for its providers and how provider contracts support and monitor Prevent; a
 * provider's, its own pathway and the quality checks in its local contracts.
 */
const commissionerContents: ChecklistItem[] = [
  { key: 'linked_policies', text: 'Clearly linked policies, including HR, estates and safeguarding' },
  {
    key: 'change_process',
    text: 'A process that takes account of changes affecting Prevent, organisationally and from a multi-agency perspective',
  },
  { key: 'channel_pathways', text: 'Clear Channel referral pathways for the ICB and for providers within its area' },
  {
    key: 'information_sharing',
    text: 'Information sharing arrangements, so that information flow is not obstructed within the area',
  },
  { key: 'concerns_recorded', text: 'How specific Prevent concerns will be recorded' },
  { key: 'escalation_referral', text: 'A clear process for escalation and/or referral of specific Prevent concerns' },
  {
    key: 'contract_monitoring',
    text: 'How Prevent is supported and monitored within provider contracts, including quality checks that provider staff are appropriately trained and account for Prevent alongside other safeguarding',
  },
];

const providerContents: ChecklistItem[] = [
  { key: 'linked_policies', text: 'Clearly linked policies, including HR, estates and safeguarding' },
  {
    key: 'change_process',
    text: 'A process that takes account of changes affecting Prevent, organisationally and from a multi-agency perspective',
  },
  { key: 'channel_pathway', text: 'A Channel referral pathway' },
  {
    key: 'information_sharing',
    text: 'Information sharing arrangements, so that partners can be appropriately advised in a timely manner',
  },
  { key: 'concerns_recorded', text: 'How specific Prevent concerns will be recorded' },
  { key: 'escalation_referral', text: 'A clear process for escalation and/or referral of specific Prevent concerns' },
  {
    key: 'contract_quality_checks',
    text: 'Local contracts include quality checks, so that staff are appropriately trained and consider Prevent alongside other safeguarding',
  },
];

/** The contents the standard requires of this kind of organisation's Prevent framework or policy. */
export function requiredContentsFor(orgKind: OrganisationKind): ChecklistItem[] {
  // The standards set two lists, for commissioning boards and for providers; any organisation that is not an ICB keeps the provider's.
  return orgKind === 'icb' ? commissionerContents : providerContents;
}

/** Required contents not ticked for a version (all of them when the version has no checklist). */
export function missingContents(orgKind: OrganisationKind, entries: readonly repository.ChecklistRow[]): ChecklistItem[] {
  const present = new Set(entries.filter((e) => e.present).map((e) => e.item));
  return requiredContentsFor(orgKind).filter((item) => !present.has(item.key));
}
