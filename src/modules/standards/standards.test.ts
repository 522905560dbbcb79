import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../platform/errors.ts';
import type { OrganisationKind } from '../organisations/schema.ts';
import { ruleIds } from './rule-ids.ts';
import {
  currentEdition,
  type Edition,
  editionOf,
  editions,
  editionsIn,
  parseEdition,
  type Requirement,
  requirementsFor,
  StandardsFileError,
  standardsFolder,
} from './service.ts';

/*
 * The standards file against the guidance it quotes: the copy of the published text in
 * standards/sources/ is split into sections, sentences and bullets, and every requirement in it must
 * be a node of the 2024 edition, word for word, in the section the guidance puts it in.
 */

const sourceFile = path.join(standardsFolder, 'sources/prevent-duty-core-standards-healthcare-2024.txt');
const editionFile = path.join(standardsFolder, 'prevent-core-standards-2024.json');

/** The sections the standards are in; the text before the overarching standard introduces them. */
const topSections = [
  'Overarching standard',
  'Core standards for commissioners of NHS services',
  'Core standards for providers of NHS services',
  'Prevent training programme',
  'Training',
];

type Piece = { section: string; kind: 'sentence' | 'bullet'; text: string; leadIn: string | null };

const normalised = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * The guidance from its overarching standard on, as sentences and bullets, each with the section it is
 * in ("Top › Sub"). A line that does not end a sentence (. : ?) is a heading; a bullet keeps the
 * sentence before it, when that ends with ":", as its lead-in.
 */
function piecesOf(text: string): Piece[] {
  const lines = text.split(/\r?\n/).map(normalised);
  const pieces: Piece[] = [];
  let top = '';
  let sub = '';
  let leadIn: string | null = null;
  const section = () => (sub ? `${top} › ${sub}` : top);
  for (const line of lines.slice(lines.indexOf(topSections[0] ?? ''))) {
    if (!line) continue;
    if (line.startsWith('•')) {
      pieces.push({ section: section(), kind: 'bullet', text: line.slice(1).trim(), leadIn });
    } else if (!/[.:?]$/.test(line)) {
      if (topSections.includes(line)) [top, sub] = [line, ''];
      else sub = line;
      leadIn = null;
    } else {
      const sentences = line.split(/(?<=[.?!])\s+/);
      for (const sentence of sentences) pieces.push({ section: section(), kind: 'sentence', text: sentence, leadIn: null });
      const last = sentences[sentences.length - 1] ?? '';
      leadIn = last.endsWith(':') ? last : null;
    }
  }
  return pieces;
}

/** Says what is required: will, must, should, would, "are recommended to". */
const isRequirementSentence = (sentence: string) => /\b(will|must|should|would)\b|\bare recommended to\b/i.test(sentence);

/**
 * What must be a node: every requirement sentence, and every bullet whose lead-in is one ("The
 * framework or policy will:"). A bullet under a definition ("‘providers’ refers to:") is not a requirement.
 */
const mustBeNode = (piece: Piece) =>
  piece.kind === 'sentence' ? isRequirementSentence(piece.text) : piece.leadIn !== null && isRequirementSentence(piece.leadIn);

const source = piecesOf(fs.readFileSync(sourceFile, 'utf8'));
const edition2024 = parseEdition(JSON.parse(fs.readFileSync(editionFile, 'utf8')), 'standards/prevent-core-standards-2024.json');
const nodes = edition2024.requirements;
const key = (section: string, text: string) => `${section}\n${normalised(text)}`;

describe('the 2024 core standards file', () => {
  it('has a node, word for word and in its section, for every requirement in the guidance', () => {
    expect(source.length).toBeGreaterThan(100);
    const nodeKeys = new Set(nodes.map((n) => key(n.section, n.text)));
    const missing = source.filter(mustBeNode).filter((p) => !nodeKeys.has(key(p.section, p.text)));
    expect(missing.map((p) => `${p.section}: ${p.text}`)).toEqual([]);
  });

  it('quotes only sentences and bullets of the guidance, each in the section it is in there', () => {
    const sourceKeys = new Set(source.map((p) => key(p.section, p.text)));
    const notInGuidance = nodes.filter((n) => !sourceKeys.has(key(n.section, n.text)));
    expect(notInGuidance.map((n) => `${n.id}: ${n.section}: ${n.text}`)).toEqual([]);
    // Verbatim, typos included.
    expect(nodes.find((n) => n.id === 'P-INFO-1')?.text).toContain('demonstate');
  });

  it('gives each node a unique id, and each bullet its lead-in sentence as parent', () => {
    const ids = nodes.map((n) => n.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    expect(nodes.filter((n) => n.parent !== null && !byId.has(n.parent)).map((n) => n.id)).toEqual([]);
    for (const piece of source.filter((p) => p.kind === 'bullet' && mustBeNode(p))) {
      const node = nodes.find((n) => n.section === piece.section && n.text === piece.text);
      const parent = byId.get(node?.parent ?? '');
      expect(parent?.text, `the parent of ${node?.id}`).toBe(piece.leadIn);
      expect(parent?.section).toBe(piece.section);
    }
  });

  it('names only rules that exist, and uses every rule', () => {
    const known = new Set<string>(ruleIds);
    expect(nodes.filter((n) => n.rule !== null && !known.has(n.rule)).map((n) => n.id)).toEqual([]);
    const used = new Set(nodes.map((n) => n.rule));
    expect(ruleIds.filter((rule) => !used.has(rule))).toEqual([]);
    const ruleOf = (id: string) => nodes.find((n) => n.id === id)?.rule;
    expect(ruleOf('C-LEAD-1')).toBe('accountable-lead-in-post');
    expect(ruleOf('P-LEAD-4')).toBe('commissioner-told-of-leads');
    expect(ruleOf('C-WP-1')).toBe('work-programme');
    expect(ruleOf('P-INFO-10')).toBe('sharing-decisions');
    expect(ruleOf('T-11')).toBe('training-compliance');
  });

  it('says whom each section is for: commissioners, providers, and both for the overarching and training standards', () => {
    const audienceOfSection = (section: string) =>
      section.startsWith('Core standards for commissioners')
        ? 'commissioner'
        : section.startsWith('Core standards for providers')
          ? 'provider'
          : 'both';
    // Training is mandatory "for all NHS trusts and foundation trusts": that sentence is the providers' alone.
    const exceptions = new Set(['T-5']);
    const wrong = nodes.filter((n) => !exceptions.has(n.id) && n.appliesTo !== audienceOfSection(n.section));
    expect(wrong.map((n) => `${n.id}: ${n.appliesTo}`)).toEqual([]);
    expect(nodes.find((n) => n.id === 'T-5')?.appliesTo).toBe('provider');
  });

  it('carries the guidance’s title, date, address and licence', () => {
    expect(edition2024).toMatchObject({
      edition: '2024',
      title: 'Prevent duty: core standards for healthcare commissioners and providers',
      published: '2024-10-03',
      source: 'https://www.gov.uk/government/publications/prevent-duty-core-standards-for-healthcare-commissioners-and-providers',
    });
    expect(edition2024.licence).toContain('Open Government Licence v3.0');
    expect(edition2024.licence).toContain('Crown copyright');
  });
});

describe('the editions', () => {
  it('loads the repository’s editions, 2024 the current one', () => {
    expect(editions().map((e) => e.edition)).toContain('2024');
    expect(currentEdition().edition).toBe('2024');
    expect(editionOf('2024')).toEqual(edition2024);
    expect(editions()).toBe(editions());
  });

  it('loads a second edition beside the first, the newest current, and refuses one it does not have', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'standards-'));
    try {
      fs.copyFileSync(editionFile, path.join(folder, 'prevent-core-standards-2024.json'));
      const next: Edition = { ...edition2024, edition: '2026', published: '2026-04-01', requirements: nodes.slice(0, 3) };
      fs.writeFileSync(path.join(folder, 'prevent-core-standards-2026.json'), JSON.stringify(next));
      const list = editionsIn(folder);
      expect(list.map((e) => e.edition)).toEqual(['2024', '2026']);
      expect(editionOf('2024', list).requirements).toHaveLength(nodes.length);
      expect(editionOf('2026', list).requirements.map((r) => r.id)).toEqual(['O-1', 'O-2', 'O-3']);
      expect(() => editionOf('2019', list)).toThrow(InputError);
      expect(() => editionOf('2019', list)).toThrow(
        'There is no edition "2019" of the core standards. The editions are: 2024, 2026',
      );
      expect(() => editionOf('2019')).toThrow(/no edition "2019"/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a bad file, naming the file and the node', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'standards-'));
    const write = (content: unknown) =>
      fs.writeFileSync(path.join(folder, 'bad.json'), typeof content === 'string' ? content : JSON.stringify(content));
    const node = (changes: Partial<Record<keyof Requirement, unknown>>) => ({ ...nodes[0], ...changes });
    try {
      write('{ "edition": ');
      expect(() => editionsIn(folder)).toThrow(/bad\.json could not be read as JSON/);
      write({ ...edition2024, requirements: [node({}), node({ id: 'O-9', rule: 'made-up-rule' })] });
      expect(() => editionsIn(folder)).toThrow(StandardsFileError);
      expect(() => editionsIn(folder)).toThrow(/bad\.json is not a valid edition[\s\S]*requirements\[1\] \(O-9\) › rule/);
      write({ ...edition2024, requirements: [node({ appliesTo: 'everyone' })] });
      expect(() => editionsIn(folder)).toThrow(/requirements\[0\] \(O-1\) › appliesTo/);
      write({ ...edition2024, published: '3 October 2024' });
      expect(() => editionsIn(folder)).toThrow(/published: must be a date/);
      write({ ...edition2024, requirements: [node({}), node({})] });
      expect(() => editionsIn(folder)).toThrow('bad.json: the id O-1 is used twice');
      write({ ...edition2024, requirements: [node({ parent: 'O-7' })] });
      expect(() => editionsIn(folder)).toThrow('bad.json: O-1 has parent O-7, which is not a requirement in the file');
      fs.rmSync(path.join(folder, 'bad.json'));
      expect(() => editionsIn(folder)).toThrow(/There is no edition of the core standards/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('requirementsFor', () => {
  const ids = (kind: OrganisationKind) => requirementsFor(edition2024, kind).map((r) => r.id);

  it('gives an ICB the commissioners’ and the shared requirements', () => {
    expect(ids('icb')).toEqual(nodes.filter((n) => n.appliesTo !== 'provider').map((n) => n.id));
    expect(ids('icb')).toEqual(expect.arrayContaining(['O-1', 'C-LEAD-1', 'C-WP-1', 'T-11']));
    expect(ids('icb')).not.toContain('P-LEAD-1');
    expect(ids('icb')).not.toContain('T-5');
  });

  it('gives every kind of provider the providers’ and the shared requirements', () => {
    const expected = nodes.filter((n) => n.appliesTo !== 'commissioner').map((n) => n.id);
    for (const kind of ['nhs_foundation_trust', 'nhs_trust', 'independent_provider'] as const) {
      expect(ids(kind), kind).toEqual(expected);
    }
    expect(ids('nhs_trust')).toEqual(expect.arrayContaining(['O-1', 'P-LEAD-1', 'P-LEAD-4', 'T-5', 'T-11']));
    expect(ids('nhs_trust')).not.toContain('C-LEAD-1');
  });

  it('gives an NHS England region none', () => {
    expect(ids('nhse_region')).toEqual([]);
  });
});
