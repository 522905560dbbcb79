/**
 * The rules that compute a core standard's result from the records. A requirement in
 * standards/*.json names one of these in its `rule`; src/modules/assurance/rules.ts implements each.
 * Kept apart from the rules so the standards can be checked against the list without the code.
 */
export const ruleIds = [
  /** An accountable (director-level) Prevent lead in post today. */
  'accountable-lead-in-post',
  /** An operational Prevent lead in post today. */
  'operational-lead-in-post',
  /** Provider: the commissioner has been told of the leads now in post. */
  'commissioner-told-of-leads',
  /** A work programme for this financial year, holding every required item, none overdue. */
  'work-programme',
  /** The Prevent policy (framework) in date, with every required content ticked. */
  'prevent-policy',
  /** The risk register reviewed within the last 12 months. */
  'risk-register-reviewed',
  /** This financial year's CTLP review signed off by the accountable lead. */
  'ctlp-reviewed',
  /** Training at or above 85 % at every level. */
  'training-compliance',
  /** A training needs analysis approved. */
  'training-needs-analysis',
  /** A lessons learned review for every referral, and none of their actions overdue. */
  'lessons-reviews',
  /** A sharing decision recorded for every referral. */
  'sharing-decisions',
  /** ICB: every commissioned provider has a contract in force with the Prevent clauses of SC32 and a contract quality check within 12 months, no check action overdue. */
  'provider-contracts',
  /** The annual board report presented: "not assessed" until the reporting module exists. */
  'board-report',
  /** Every Prevent lead in post has development recorded in the last 12 months, and no development plan target overdue. */
  'lead-development',
  /** Meetings of the local multi-agency Prevent arrangements in every three months of the last 12, no agreed action overdue. */
  'multi-agency-engagement',
  /** A community of practice event hosted in the last 12 months. */
  'community-of-practice',
  /** Every information request received in the last 12 months answered by its due date, none overdue. */
  'requests-answered',
] as const;

export type RuleId = (typeof ruleIds)[number];
