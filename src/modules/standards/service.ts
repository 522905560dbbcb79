import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../../platform/errors.ts';
import { projectRoot } from '../../platform/paths.ts';
import type { OrganisationKind } from '../organisations/schema.ts';
import { type RuleId, ruleIds } from './rule-ids.ts';

/*
 * The Prevent duty core standards as data: one file per edition in standards/*.json, each requirement
 * a node quoting the guidance's sentence verbatim. Nothing here touches the database: the files ship
 * with the code, and an assessment names the edition it was made against (editionOf).
 */

export type AppliesTo = 'commissioner' | 'provider' | 'both';

export type Requirement = {
  id: string;
  parent: string | null;
  section: string;
  text: string;
  appliesTo: AppliesTo;
  evidence: string;
  rule: RuleId | null;
};

export type Edition = {
  edition: string;
  title: string;
  published: string;
  source: string;
  licence: string;
  requirements: Requirement[];
};

/** Where the editions are: the repository's top-level standards/ folder. */
export const standardsFolder = path.join(projectRoot, 'standards');

/** A standards file that cannot be read or is not an edition: names the file, and the node where there is one. */
export class StandardsFileError extends Error {}

const words = z.string().trim().min(1, 'must not be empty');

const requirementSchema = z.strictObject({
  id: z.string().regex(/^[A-Z]+(-[A-Z]+)*-\d+$/, 'must be capital letters and a number, like P-LEAD-1'),
  parent: z.string().nullable(),
  section: words,
  text: words,
  appliesTo: z.enum(['commissioner', 'provider', 'both']),
  evidence: words,
  rule: z.enum(ruleIds).nullable(),
});

const editionSchema = z.strictObject({
  edition: words,
  title: words,
  published: z.iso.date('must be a date, YYYY-MM-DD'),
  source: z.url('must be the address of the published guidance'),
  licence: words,
  requirements: z.array(requirementSchema).min(1, 'must hold at least one requirement'),
});

/** Where in the file an issue is: "requirements[4] (P-LEAD-3) › rule", naming the node by its id when it has one. */
function placeOf(issuePath: readonly PropertyKey[], data: unknown): string {
  const [first, index, ...rest] = issuePath;
  if (first !== 'requirements' || typeof index !== 'number') return issuePath.map(String).join(' › ') || 'the file';
  const node = (data as { requirements?: unknown[] }).requirements?.[index] as { id?: unknown } | undefined;
  const named = typeof node?.id === 'string' ? ` (${node.id})` : '';
  return [`requirements[${index}]${named}`, ...rest.map(String)].join(' › ');
}

/** Checks one file's contents: its shape, then that ids are unique and every parent is a node of the same edition. */
export function parseEdition(data: unknown, file: string): Edition {
  const parsed = editionSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `  ${placeOf(issue.path, data)}: ${issue.message}`);
    throw new StandardsFileError(`${file} is not a valid edition of the core standards:\n${problems.join('\n')}`);
  }
  const edition = parsed.data;
  const ids = new Set<string>();
  for (const requirement of edition.requirements) {
    if (ids.has(requirement.id)) throw new StandardsFileError(`${file}: the id ${requirement.id} is used twice`);
    ids.add(requirement.id);
  }
  for (const requirement of edition.requirements) {
    if (requirement.parent !== null && !ids.has(requirement.parent)) {
      throw new StandardsFileError(
        `${file}: ${requirement.id} has parent ${requirement.parent}, which is not a requirement in the file`,
      );
    }
    if (requirement.parent === requirement.id) throw new StandardsFileError(`${file}: ${requirement.id} is its own parent`);
  }
  return edition;
}

/** Every edition in `folder` (each *.json file), the oldest first. Reads the files every time: editions() keeps the app's. */
export function editionsIn(folder: string = standardsFolder): Edition[] {
  const files = fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const list = files.map((name) => {
    const file = path.join(path.basename(folder), name);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8'));
    } catch (error) {
      throw new StandardsFileError(`${file} could not be read as JSON: ${(error as Error).message}`);
    }
    return parseEdition(data, file);
  });
  const seen = new Set<string>();
  for (const edition of list) {
    if (seen.has(edition.edition)) throw new StandardsFileError(`Two files in ${folder} are both edition ${edition.edition}`);
    seen.add(edition.edition);
  }
  if (list.length === 0) throw new StandardsFileError(`There is no edition of the core standards in ${folder}`);
  return list.sort((a, b) => a.published.localeCompare(b.published) || a.edition.localeCompare(b.edition));
}

let loaded: Edition[] | undefined;

/** Every edition of the core standards, the oldest first: read and checked once, on first use. */
export function editions(): Edition[] {
  loaded ??= editionsIn();
  return loaded;
}

/** The newest edition by its published date: the one new assessments are made against. */
export function currentEdition(): Edition {
  const list = editions();
  const newest = list[list.length - 1];
  if (!newest) throw new StandardsFileError('There is no edition of the core standards');
  return newest;
}

/** The edition of that name (an assessment keeps the one it was made against). */
export function editionOf(edition: string, list: readonly Edition[] = editions()): Edition {
  const found = list.find((e) => e.edition === edition);
  if (!found) {
    throw new InputError({
      edition: `There is no edition "${edition}" of the core standards. The editions are: ${list.map((e) => e.edition).join(', ')}`,
    });
  }
  return found;
}

/** Whom the requirements of this kind of organisation are written for: none for an NHS England region, which is not assessed. */
export function audienceOf(kind: OrganisationKind): Exclude<AppliesTo, 'both'> | null {
  switch (kind) {
    case 'icb':
      return 'commissioner';
    case 'nhs_foundation_trust':
    case 'nhs_trust':
    case 'independent_provider':
      return 'provider';
    case 'nhse_region':
      return null;
  }
}

/** The requirements that apply to this kind of organisation, in the edition's order. */
export function requirementsFor(edition: Edition, kind: OrganisationKind): Requirement[] {
  const audience = audienceOf(kind);
  if (audience === null) return [];
  return edition.requirements.filter((r) => r.appliesTo === 'both' || r.appliesTo === audience);
}
