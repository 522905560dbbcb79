/** What a rule gives: a result, its reason in plain words with the figures in it, and links to the pages to act on. */
export type Result = 'met' | 'partly_met' | 'not_met' | 'not_assessed';
export type RecordLink = { text: string; href: string };
export type RuleOutcome = { result: Result; reason: string; links: RecordLink[] };
