import { type Command, type Group, parseFlags, say, table } from './common.ts';

/**
 * `standards list`: the requirements of the core standards, as the app holds them (standards/*.json).
 * Uses no database.
 */
const listCommand: Command = {
  group: 'standards',
  name: 'list',
  usage: 'standards list [--edition EDITION] [--json]',
  summary: 'List the requirements of the Prevent duty core standards',
  details: async () => {
    const standards = await import('../modules/standards/service.ts');
    const known = standards
      .editions()
      .map((e) => `${e.edition} (published ${e.published})`)
      .join(', ');
    return (
      'Prints every requirement of an edition of the core standards, one a line: its id, the section of the\n' +
      'guidance it is in, whom it applies to (commissioner, provider or both) and its text, quoted from the\n' +
      'guidance. Uses no database.\n\n' +
      'Flags:\n' +
      `  --edition EDITION   the edition to list (default: the newest). Editions: ${known}\n` +
      '  --json              print a JSON array instead, each item with id, section, appliesTo and text'
    );
  },
  fieldFlags: { edition: '--edition' },
  async run(args) {
    const flags = parseFlags(args, { edition: { type: 'string' }, json: { type: 'boolean' } });
    const standards = await import('../modules/standards/service.ts');
    const edition = flags.edition === undefined ? standards.currentEdition() : standards.editionOf(flags.edition.trim());
    const rows = edition.requirements.map((r) => ({ id: r.id, section: r.section, appliesTo: r.appliesTo, text: r.text }));
    if (flags.json) {
      say(JSON.stringify(rows, null, 2));
      return 0;
    }
    say(`${edition.title}, edition ${edition.edition} (published ${edition.published})`);
    say('');
    say(table([['Id', 'Section', 'Applies to', 'Text'], ...rows.map((r) => [r.id, r.section, r.appliesTo, r.text])]));
    say('');
    say(`${rows.length} requirements. ${edition.licence}`);
    return 0;
  },
};

export const standardsGroup: Group = {
  name: 'standards',
  summary: 'The Prevent duty core standards',
  commands: [listCommand],
};
