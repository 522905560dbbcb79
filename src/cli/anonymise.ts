import fs from 'node:fs';
import { type Command, CommandFailed, complain, type Group, parseFlags, programName, streams, UsageError } from './common.ts';

const loadAnonymiser = () => import('../platform/anonymiser/anonymiser.ts');

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of streams().stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** What the --known file says the record knows; any problem names the file and the field, exit code 2. */
async function readKnown(file: string) {
  const { checkKnownIdentifiers } = await loadAnonymiser();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new CommandFailed(`--known ${file}: cannot read it: ${why}. Nothing was written.`, 2);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CommandFailed(`--known ${file}: not valid JSON: ${(error as Error).message}. Nothing was written.`, 2);
  }
  const checked = checkKnownIdentifiers(value);
  if (!checked.ok) throw new CommandFailed(`--known ${file}: ${checked.field} ${checked.problem}. Nothing was written.`, 2);
  return checked.known;
}

const anonymiseCommand: Command = {
  group: 'anonymise',
  name: '',
  usage: 'anonymise [--known FILE.json] [--quarters] < narrative.txt > case-study.txt',
  summary: 'Turn a case summary into a case study without identifiers',
  details:
    'Reads a case summary on standard input and writes it to standard output with every identifier it finds\n' +
    'replaced: names, NHS numbers, dates of birth, addresses, postcodes, phone numbers, e-mail and web\n' +
    'addresses, social media handles, schools and workplaces become placeholders such as [name]; exact dates\n' +
    'become their month ("March 2024") and ages a band ("aged 13–15"). Words that carry the learning\n' +
    '(Prevent, Channel, safeguarding, the services involved) are kept. A one-line count of the changes by\n' +
    'kind goes to standard error. It is a first pass: read the result before sharing it.\n\n' +
    'Flags:\n' +
    '  --known FILE.json   what the case record knows, removed wherever it appears in any form:\n' +
    '                      {"names": [], "nhsNumbers": [], "dateOfBirth": "", "addresses": []}\n' +
    '  --quarters          exact dates become their quarter ("January to March 2024") rather than their month\n\n' +
    'It does not use the database.',
  async run(args) {
    const flags = parseFlags(args, { known: { type: 'string' }, quarters: { type: 'boolean' } });
    if (streams().stdin.isTTY) {
      throw new UsageError(`Give the case summary on standard input, like: ${programName} anonymise < narrative.txt`);
    }
    const known = flags.known === undefined ? {} : await readKnown(flags.known);
    const { anonymise, summariseChanges } = await loadAnonymiser();
    const input = await readStandardInput();
    const result = anonymise(input, known, { dates: flags.quarters ? 'quarter' : 'month' });
    streams().stdout.write(result.text);
    complain(`Anonymised: ${summariseChanges(result.changes)} (${result.changes.length} changes).`);
    return 0;
  },
};

export const anonymiseGroup: Group = {
  name: 'anonymise',
  summary: 'Turn a case summary into a case study without identifiers',
  commands: [anonymiseCommand],
};
