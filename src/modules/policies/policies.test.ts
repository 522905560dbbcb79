import { createHash, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { type SQL, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganisation, newUser, signedInAs } from '../../../test/factories.ts';
import { demo, signedIn, type TestApp, testApp, textOf, type Visitor } from '../../../test/harness.ts';
import { todayInLondon } from '../../platform/dates.ts';
import * as organisations from '../organisations/service.ts';
import { pdfDocument, wordDocument } from './demo.ts';
import { formatOf, maxDocumentBytes } from './documents.ts';
import { policyReviewReminders } from './reminders.ts';
import * as policies from './service.ts';

/** Rows from a query run as the database owner (row-level security does not apply). */
async function rows<T = Record<string, unknown>>(t: TestApp, query: SQL): Promise<T[]> {
  return ((await t.database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Everything a policy form could change, and how long the audit trail is. */
async function snapshot(t: TestApp) {
  return {
    policies: await rows(t, sql`select id, org_id, title, kind from policies order by id`),
    versions: await rows(
      t,
      sql`select id, policy_id, version, approved_on::text, next_review_on::text, document_sha256, superseded_at from policy_versions order by id`,
    ),
    links: await rows(t, sql`select policy_id, linked_policy_id from policy_links order by policy_id, linked_policy_id`),
    checklist: await rows(
      t,
      sql`select version_id, item, present, section from policy_checklist_entries order by version_id, item`,
    ),
    audit: (await rows<{ n: number }>(t, sql`select count(*)::int as n from audit_events`))[0]?.n,
  };
}

type FileToSend = { filename: string; type: string; bytes: Buffer; field?: string };

/** A multipart/form-data body as a browser builds it: fields first (the CSRF token among them), then the file. */
function multipartBody(fields: [string, string][], file?: FileToSend) {
  const boundary = `----PreventAssureTest${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'document'}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Posts a multipart form as the visitor, with their CSRF token unless `_csrf` is given. */
async function upload(
  t: TestApp,
  visitor: Visitor,
  url: string,
  fields: Record<string, string | string[]>,
  file?: FileToSend,
): Promise<LightMyRequestResponse> {
  const list: [string, string][] = [];
  if (!('_csrf' in fields)) list.push(['_csrf', visitor.csrf]);
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) list.push([name, v]);
  const { payload, contentType } = multipartBody(list, file);
  return t.app.inject({ method: 'POST', url, payload, headers: { cookie: visitor.cookieHeader, 'content-type': contentType } });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A real 1×1 PNG. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A real ZIP (one stored file) that is not a Word document. */
function plainZip(name: string, content: Buffer): Buffer {
  const nameBytes = Buffer.from(name);
  const crc = zlib.crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const centralOffset = local.length + nameBytes.length + content.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, content, central, nameBytes, end]);
}

const today = todayInLondon();
const daysFrom = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

const versionFields = (overrides: Record<string, string> = {}) => ({
  version: '1.0',
  approvedOn: daysFrom(today, -10),
  approver: 'Trust board',
  nextReviewOn: daysFrom(today, 355),
  ...overrides,
});

/** The message shown next to a field (the NHS error message pattern), as text. */
function fieldError(body: string, field: string): string {
  const match = new RegExp(`id="${field}-error"[^>]*>\\s*<span class="nhsuk-u-visually-hidden">[^<]*</span>([^<]*)</span>`).exec(
    body,
  );
  return match ? textOf(match[1] ?? '') : '';
}

/** The text of the register's table row for a policy. */
function rowOf(body: string, title: string): string {
  return textOf(body.split('<tr').find((row) => row.includes(`>${title}</a>`)) ?? '');
}

const idFromLocation = (response: LightMyRequestResponse) =>
  /\/policies\/([0-9a-f-]{36})/.exec(String(response.headers.location))?.[1] ?? '';

describe('policy register', () => {
  let t: TestApp;
  let lead: Visitor;
  let board: Visitor;
  let staff: Visitor;
  let otherTrustLead: Visitor;
  let independentLead: Visitor;
  let commissioner: Visitor;
  let icbAdmin: Visitor;
  let rz1: string;
  let rz2: string;
  let nz3: string;
  let qzz: string;

  const policyIdByTitle = async (title: string) =>
    (await rows<{ id: string }>(t, sql`select id from policies where title = ${title}`))[0]?.id ?? '';
  const versionsOfPolicy = (policyId: string) =>
    rows<{
      id: string;
      version: string;
      superseded_at: Date | null;
      document_sha256: string;
      document_name: string;
      document_type: string;
      document_size: string;
    }>(
      t,
      sql`select id, version, superseded_at, document_sha256, document_name, document_type, document_size::text from policy_versions where policy_id = ${policyId} order by recorded_at`,
    );
  const auditFor = (recordId: string) =>
    rows<{ action: string; org_id: string; actor_label: string; details: Record<string, unknown> }>(
      t,
      sql`select action, org_id, actor_label, details from audit_events where record_id = ${recordId} order by seq`,
    );

  /**
   * A provider of the demo ICB with its operational lead signed in, for a test that adds policies: the demo
   * trusts' registers keep the counts the tests of the demo data read, in whatever order the tests run.
   */
  const aProviderOfTheIcb = async (odsCode: string, name: string) => {
    const provider = await newOrganisation(t.database, { odsCode, name, kind: 'nhs_trust', commissionerOds: 'QZZ' });
    const user = await newUser(t.database, {
      email: `prevent.lead@${odsCode.toLowerCase()}.example`,
      displayName: `Lead of ${odsCode}`,
      roles: [{ orgId: provider.id, role: 'operational_lead' }],
    });
    const visitor = await signedInAs(t.app, t.database, user, provider.id);
    // An upload carries the CSRF token of the form it was chosen on.
    await visitor.get('/policies/new');
    return { provider, user, lead: visitor };
  };

  /** Who records a policy straight through the service at an organisation, as a set-up step. */
  const authorAt = async (orgId: string): Promise<policies.PolicyAuthor> => {
    const org = await organisations.findById(t.database.db, orgId);
    if (!org) throw new Error(`No organisation ${orgId}`);
    return { actor: { userId: null, label: 'test', ip: null }, userId: null, orgId, orgKind: org.kind };
  };

  beforeAll(async () => {
    t = await testApp();
    lead = await signedIn(t.app, demo.operationalLead);
    board = await signedIn(t.app, demo.boardViewer);
    staff = await signedIn(t.app, demo.staff);
    otherTrustLead = await signedIn(t.app, demo.otherTrustLead);
    independentLead = await signedIn(t.app, demo.independentLead);
    commissioner = await signedIn(t.app, demo.commissioner);
    icbAdmin = await signedIn(t.app, demo.icbAdmin);
    const idOf = async (ods: string) => (await organisations.findByOdsCode(t.database.db, ods))?.id ?? '';
    rz1 = await idOf('RZ1');
    rz2 = await idOf('RZ2');
    nz3 = await idOf('NZ3');
    qzz = await idOf('QZZ');
  });
  afterAll(() => t?.close());

  describe('the demo data', () => {
    it('shows every state at the foundation trust, with a real PDF document', async () => {
      const status = await policies.policyStatus(t.database.db, rz1, today);
      expect(status).toEqual({ policies: 3, inDate: 1, reviewDue: 1, overdue: 1, frameworkContentsMissing: [] });

      const page = textOf((await lead.get('/policies')).body);
      expect(page).toContain('Prevent framework');
      expect(page).toContain('Overdue for review');
      expect(page).toContain('Review due within 30 days');
      expect(page).toContain('In date');
      expect(page).not.toContain('Required contents missing');

      const framework = await policyIdByTitle('Prevent framework');
      const versions = await versionsOfPolicy(framework);
      expect(versions.map((v) => [v.version, v.superseded_at === null])).toEqual([
        ['1.0', false],
        ['2.0', true],
      ]);
      const [doc] = await rows<{ document: Buffer }>(t, sql`select document from policy_versions where id = ${versions[1]?.id}`);
      const bytes = Buffer.from(doc?.document ?? []);
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(bytes.toString('latin1')).toMatch(/startxref\n\d+\n%%EOF\n$/);
      const shown = textOf((await lead.get(`/policies/${framework}`)).body);
      expect(shown).toContain('Recruitment and workforce policy');
      expect(shown).toContain('Safeguarding adults and children policy');
    });

    it('shows the ICB’s framework with one required content missing', async () => {
      const status = await policies.policyStatus(t.database.db, qzz, today);
      expect(status.frameworkContentsMissing).toEqual([
        policies.requiredContentsFor('icb').find((i) => i.key === 'contract_monitoring')?.text,
      ]);
      const page = textOf((await commissioner.get('/policies')).body);
      expect(page).toContain('Required contents missing');
      expect(page).toContain('Providers’ policy registers');
    });
  });

  describe('uploads', () => {
    it('adds a policy with a PDF, and the download gives back the same bytes with its checksum, audited', async () => {
      const { provider, user, lead } = await aProviderOfTheIcb('RQ1', 'Quayside Estates NHS Trust');
      const pdf = pdfDocument('Estates and premises policy', ['Section 1: Prevent and the estate']);
      await lead.get('/policies/new');
      const response = await upload(
        t,
        lead,
        '/policies',
        { title: 'Estates and premises policy', kind: 'estates', ...versionFields() },
        {
          filename: 'estates.pdf',
          type: 'application/pdf',
          bytes: pdf,
        },
      );
      expect(response.statusCode, response.body.slice(0, 500)).toBe(303);
      const id = idFromLocation(response);
      const [version] = await versionsOfPolicy(id);
      expect(version).toMatchObject({
        version: '1.0',
        document_name: 'estates.pdf',
        document_type: 'application/pdf',
        document_size: String(pdf.length),
        document_sha256: sha256(pdf),
        superseded_at: null,
      });

      const page = await lead.get(`/policies/${id}`);
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).toContain(sha256(pdf));
      const download = await lead.get(`/policies/${id}/versions/${version?.id}/document`);
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(download.headers['content-disposition']).toMatch(/^attachment; filename="estates\.pdf"/);
      expect(download.rawPayload.equals(pdf)).toBe(true);
      expect(sha256(download.rawPayload)).toBe(version?.document_sha256);

      expect((await auditFor(id)).map((a) => a.action)).toEqual(['policy.created']);
      const versionAudit = await auditFor(version?.id ?? '');
      expect(versionAudit.map((a) => a.action)).toEqual(['policy.version.recorded', 'policy.document.downloaded']);
      expect(versionAudit[0]?.details).toMatchObject({ documentSha256: sha256(pdf), version: '1.0' });
      expect(versionAudit.every((a) => a.org_id === provider.id && a.actor_label.includes(user.email))).toBe(true);
    });

    it('accepts a Word document by its content, whatever name and type the browser gave it', async () => {
      const { lead } = await aProviderOfTheIcb('RQ2', 'Quayside Information NHS Trust');
      const docx = await wordDocument('Information governance policy', ['Prevent and information sharing']);
      expect(await formatOf(docx)).toBe('docx');
      const response = await upload(
        t,
        lead,
        '/policies',
        { title: 'Information governance policy', kind: 'information_governance', ...versionFields() },
        { filename: 'C:\\Users\\someone\\ig-policy.pdf', type: 'application/octet-stream', bytes: docx },
      );
      expect(response.statusCode, response.body.slice(0, 500)).toBe(303);
      const [version] = await versionsOfPolicy(idFromLocation(response));
      // Stored as what it is: the extension follows the content, and no path is kept.
      expect(version?.document_name).toBe('ig-policy.docx');
      expect(version?.document_type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      const download = await lead.get(`/policies/${idFromLocation(response)}/versions/${version?.id}/document`);
      expect(download.rawPayload.equals(docx)).toBe(true);
    });

    it('recognises a Word 97-2003 file by its OLE header and WordDocument stream, and not other OLE files', async () => {
      const ole = Buffer.alloc(2048);
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
      expect(await formatOf(ole)).toBeUndefined();
      Buffer.from('WordDocument', 'utf16le').copy(ole, 1024);
      expect(await formatOf(ole)).toBe('doc');
    });

    const refused: [string, FileToSend | undefined, string][] = [
      ['a PNG named .pdf', { filename: 'policy.pdf', type: 'application/pdf', bytes: png }, 'must be a PDF or a Word document'],
      [
        'a text file named .docx',
        {
          filename: 'policy.docx',
          type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          bytes: Buffer.from('This is only text, not a Word document.\n'),
        },
        'must be a PDF or a Word document',
      ],
      [
        'a ZIP that is not a Word document',
        { filename: 'policy.docx', type: 'application/zip', bytes: plainZip('notes.txt', Buffer.from('hello')) },
        'must be a PDF or a Word document',
      ],
      ['an empty file', { filename: 'policy.pdf', type: 'application/pdf', bytes: Buffer.alloc(0) }, 'The chosen file is empty'],
      [
        'a file over the size limit',
        {
          filename: 'policy.pdf',
          type: 'application/pdf',
          bytes: Buffer.concat([pdfDocument('Large'), Buffer.alloc(maxDocumentBytes, 0x20)]),
        },
        'must be smaller than 10 MB',
      ],
      ['no file at all', undefined, 'Choose the policy document'],
      [
        'no file chosen in the browser',
        { filename: '', type: 'application/octet-stream', bytes: Buffer.alloc(0) },
        'Choose the policy document',
      ],
    ];
    for (const [what, file, message] of refused) {
      it(`refuses ${what} with a message next to the file field, and stores nothing`, async () => {
        const before = await snapshot(t);
        const response = await upload(t, lead, '/policies', { title: 'Refused policy', kind: 'hr', ...versionFields() }, file);
        expect(response.statusCode).toBe(400);
        expect(fieldError(response.body, 'document')).toContain(message);
        expect(response.body).toContain('href="#document"');
        expect(textOf(response.body)).toContain('There is a problem');
        // What was typed is kept; the file must be chosen again.
        expect(response.body).toContain('value="Refused policy"');
        expect(await snapshot(t)).toEqual(before);
      });
    }

    it('refuses dates out of order and missing fields, all at once, and changes nothing', async () => {
      const before = await snapshot(t);
      const pdf = { filename: 'p.pdf', type: 'application/pdf', bytes: pdfDocument('P') };
      const outOfOrder = await upload(
        t,
        lead,
        '/policies',
        { title: 'Dates', kind: 'hr', ...versionFields({ approvedOn: '2026-03-01', nextReviewOn: '2026-02-01' }) },
        pdf,
      );
      expect(outOfOrder.statusCode).toBe(400);
      expect(fieldError(outOfOrder.body, 'nextReviewOn')).toContain('The next review date must be after the approval date');
      expect(textOf(outOfOrder.body)).toContain('Choose the file again');

      const future = await upload(
        t,
        lead,
        '/policies',
        { title: 'Future', kind: 'hr', ...versionFields({ approvedOn: daysFrom(today, 5) }) },
        pdf,
      );
      expect(fieldError(future.body, 'approvedOn')).toContain('today or in the past');

      const missing = await upload(t, lead, '/policies', { title: ' ', approvedOn: '2026-02-30' }, undefined);
      expect(missing.statusCode).toBe(400);
      expect(fieldError(missing.body, 'title')).toContain('Enter the policy’s title');
      expect(fieldError(missing.body, 'kind')).toContain('Choose what kind of policy');
      expect(fieldError(missing.body, 'version')).toContain('Enter the version');
      expect(fieldError(missing.body, 'approvedOn')).toContain('Enter a real date');
      expect(fieldError(missing.body, 'approver')).toContain('Enter who approved it');
      expect(fieldError(missing.body, 'nextReviewOn')).toContain('Enter the date of the next review');
      expect(fieldError(missing.body, 'document')).toContain('Choose the policy document');
      expect(await snapshot(t)).toEqual(before);
    });
  });

  describe('versions', () => {
    it('a new version supersedes the current one, which stays read-only and downloadable', async () => {
      const { lead } = await aProviderOfTheIcb('RQ3', 'Quayside Premises NHS Trust');
      const firstPdf = pdfDocument('Premises hire policy v1');
      const created = await upload(
        t,
        lead,
        '/policies',
        {
          title: 'Premises hire policy',
          kind: 'room_hire',
          ...versionFields({ approvedOn: daysFrom(today, -400), nextReviewOn: daysFrom(today, -35) }),
        },
        { filename: 'hire-v1.pdf', type: 'application/pdf', bytes: firstPdf },
      );
      const id = idFromLocation(created);
      const listed = rowOf((await lead.get('/policies')).body, 'Premises hire policy');
      expect(listed).toContain('Room hire by external organisations');
      expect(listed).toContain('1.0');
      expect(listed).toContain('Overdue for review');

      const form = await lead.get(`/policies/${id}/versions/new`);
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('enctype="multipart/form-data"');
      expect(form.body).toContain('value="Trust board"');

      const before = await snapshot(t);
      const earlier = await upload(
        t,
        lead,
        `/policies/${id}/versions`,
        versionFields({ version: '2.0', approvedOn: daysFrom(today, -401) }),
        {
          filename: 'hire-v2.pdf',
          type: 'application/pdf',
          bytes: pdfDocument('v2'),
        },
      );
      expect(fieldError(earlier.body, 'approvedOn')).toContain('on or after that of the current version 1.0');
      const sameNumber = await upload(t, lead, `/policies/${id}/versions`, versionFields({ version: '1.0' }), {
        filename: 'hire-v2.pdf',
        type: 'application/pdf',
        bytes: pdfDocument('v2'),
      });
      expect(fieldError(sameNumber.body, 'version')).toContain('Version 1.0 is already recorded');
      const notAFile = await upload(t, lead, `/policies/${id}/versions`, versionFields({ version: '2.0' }), {
        filename: 'hire-v2.docx',
        type: 'application/msword',
        bytes: png,
      });
      expect(fieldError(notAFile.body, 'document')).toContain('must be a PDF or a Word document');
      expect(await snapshot(t)).toEqual(before);

      const docx = await wordDocument('Premises hire policy v2');
      const added = await upload(t, lead, `/policies/${id}/versions`, versionFields({ version: '2.0' }), {
        filename: 'hire-v2.docx',
        type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        bytes: docx,
      });
      expect(added.statusCode, added.body.slice(0, 500)).toBe(303);
      const [v1, v2] = await versionsOfPolicy(id);
      expect(v1?.superseded_at).not.toBeNull();
      expect(v2?.superseded_at).toBeNull();
      expect(v2?.document_sha256).toBe(sha256(docx));
      expect((await auditFor(v1?.id ?? '')).map((a) => a.action)).toEqual([
        'policy.version.recorded',
        'policy.version.superseded',
      ]);

      const page = textOf((await lead.get(`/policies/${id}`)).body);
      expect(page).toContain('Earlier versions');
      expect(page).toContain('Version 1.0');
      expect(page).toContain('hire-v2.docx');
      expect(page).toMatch(/Current version 2\.0/);
      const relisted = rowOf((await lead.get('/policies')).body, 'Premises hire policy');
      expect(relisted).toContain('2.0');
      expect(relisted).toContain('In date');

      const old = await lead.get(`/policies/${id}/versions/${v1?.id}`);
      expect(textOf(old.body)).toContain('It is kept as a record and cannot be changed');
      expect(old.body).not.toMatch(/<form[^>]+action="\/policies/);
      const oldDocument = await lead.get(`/policies/${id}/versions/${v1?.id}/document`);
      expect(oldDocument.statusCode).toBe(200);
      expect(oldDocument.rawPayload.equals(firstPdf)).toBe(true);
      // No route changes or removes a recorded version.
      const versionRoutes = t.app.routeAccess.filter((r) => r.method === 'POST' && r.url.startsWith('/policies/:id/versions/'));
      expect(versionRoutes).toEqual([]);
    });
  });

  describe('the Prevent framework checklist', () => {
    it('asks a provider for the provider’s contents and an ICB for the commissioner’s', async () => {
      const provider = textOf((await independentLead.get('/policies/new')).body);
      expect(provider).toContain('A Channel referral pathway');
      expect(provider).toContain('Local contracts include quality checks');
      expect(provider).not.toContain('within provider contracts');
      const icb = textOf((await icbAdmin.get('/policies/new')).body);
      expect(icb).toContain('Clear Channel referral pathways for the ICB and for providers within its area');
      expect(icb).toContain('How Prevent is supported and monitored within provider contracts');
      expect(icb).not.toContain('Local contracts include quality checks');
      for (const text of [provider, icb]) {
        for (const common of [
          'Clearly linked policies, including HR, estates and safeguarding',
          'How specific Prevent concerns will be recorded',
          'escalation and/or referral',
          'Information sharing arrangements',
          'takes account of changes affecting Prevent',
        ]) {
          expect(text).toContain(common);
        }
      }
    });

    it('needs a section for each ticked content, and marks the framework when required contents are missing', async () => {
      expect((await policies.policyStatus(t.database.db, nz3, today)).frameworkContentsMissing).toBeNull();
      const pdf = { filename: 'framework.pdf', type: 'application/pdf', bytes: pdfDocument('Harbourside Prevent framework') };
      const fields = { title: 'Harbourside Prevent framework', kind: 'prevent_framework', ...versionFields() };
      const providerKeys = policies.requiredContentsFor('independent_provider').map((i) => i.key);

      const before = await snapshot(t);
      const noSection = await upload(
        t,
        independentLead,
        '/policies',
        { ...fields, checklist: ['channel_pathway', 'concerns_recorded'], 'section-concerns_recorded': '5.1' },
        pdf,
      );
      expect(noSection.statusCode).toBe(400);
      expect(fieldError(noSection.body, 'section-channel_pathway')).toContain('Enter where the document covers this');
      expect(noSection.body).toContain('href="#section-channel_pathway"');
      expect(await snapshot(t)).toEqual(before);

      const allButOne = providerKeys.filter((k) => k !== 'contract_quality_checks');
      const created = await upload(
        t,
        independentLead,
        '/policies',
        {
          ...fields,
          checklist: allButOne,
          ...Object.fromEntries(allButOne.map((k, i) => [`section-${k}`, `${i + 1}.0`])),
          // An ICB's item is not asked of a provider, and is not recorded.
          'section-contract_monitoring': '9.9',
        },
        pdf,
      );
      expect(created.statusCode, created.body.slice(0, 500)).toBe(303);
      const id = idFromLocation(created);
      const [version] = await versionsOfPolicy(id);
      const entries = await rows<{ item: string; present: boolean; section: string | null }>(
        t,
        sql`select item, present, section from policy_checklist_entries where version_id = ${version?.id} order by item`,
      );
      expect(entries.map((e) => e.item).sort()).toEqual([...providerKeys].sort());
      expect(entries.find((e) => e.item === 'contract_quality_checks')).toEqual({
        item: 'contract_quality_checks',
        present: false,
        section: null,
      });
      expect(entries.find((e) => e.item === 'channel_pathway')).toMatchObject({ present: true, section: '3.0' });

      const missingText = policies
        .requiredContentsFor('independent_provider')
        .find((i) => i.key === 'contract_quality_checks')?.text;
      expect((await policies.policyStatus(t.database.db, nz3, today)).frameworkContentsMissing).toEqual([missingText]);
      expect(textOf((await independentLead.get('/policies')).body)).toContain('Required contents missing');
      const page = textOf((await independentLead.get(`/policies/${id}`)).body);
      expect(page).toContain('Required contents missing');
      expect(page).toContain(String(missingText));

      // The next version starts from the current ticks; ticking the last one clears the status.
      const form = await independentLead.get(`/policies/${id}/versions/new`);
      expect(form.body).toContain('value="3.0"');
      const complete = await upload(
        t,
        independentLead,
        `/policies/${id}/versions`,
        {
          ...versionFields({ version: '1.1' }),
          checklist: providerKeys,
          ...Object.fromEntries(providerKeys.map((k) => [`section-${k}`, `Part ${k}`])),
        },
        pdf,
      );
      expect(complete.statusCode, complete.body.slice(0, 500)).toBe(303);
      expect((await policies.policyStatus(t.database.db, nz3, today)).frameworkContentsMissing).toEqual([]);
      expect(textOf((await independentLead.get('/policies')).body)).not.toContain('Required contents missing');
    });

    it('records an ICB’s framework against the commissioner’s list', async () => {
      // An ICB of its own: the demo ICB's framework keeps the content missing that the demo test reads.
      const icb = await newOrganisation(t.database, { odsCode: 'QQ6', name: 'Quayside Integrated Care Board', kind: 'icb' });
      const admin = await newUser(t.database, {
        email: 'admin@qq6.example',
        displayName: 'Admin of QQ6',
        roles: [{ orgId: icb.id, role: 'system_admin' }],
      });
      const icbAdmin = await signedInAs(t.app, t.database, admin, icb.id);
      await icbAdmin.get('/policies/new');
      const keys = policies.requiredContentsFor('icb').map((i) => i.key);
      const response = await upload(
        t,
        icbAdmin,
        '/policies',
        {
          title: 'ICB Prevent framework (draft 2)',
          kind: 'prevent_framework',
          ...versionFields({ approver: 'ICB board' }),
          checklist: [...keys, 'contract_quality_checks'],
          ...Object.fromEntries(keys.map((k) => [`section-${k}`, 'Appendix A'])),
        },
        { filename: 'icb.pdf', type: 'application/pdf', bytes: pdfDocument('ICB framework') },
      );
      expect(response.statusCode, response.body.slice(0, 500)).toBe(303);
      const [version] = await versionsOfPolicy(idFromLocation(response));
      const entries = await rows<{ item: string; present: boolean }>(
        t,
        sql`select item, present from policy_checklist_entries where version_id = ${version?.id}`,
      );
      expect(entries.map((e) => e.item).sort()).toEqual([...keys].sort());
      expect(entries.every((e) => e.present)).toBe(true);
    });
  });

  describe('statuses and reminders on known dates', () => {
    it('counts in date, review due within 30 days and overdue, and lists reminders for the last two', async () => {
      // A register of its own starts empty, whatever the other tests have recorded.
      const { provider } = await aProviderOfTheIcb('RQ4', 'Quayside Reviews NHS Trust');
      const author = await authorAt(provider.id);
      const on = '2026-01-10';
      const add = (title: string, nextReviewOn: string, extra: Record<string, unknown> = {}) =>
        policies.createPolicyAs(
          t.database.db,
          author,
          { title, kind: 'other', version: '1', approvedOn: '2025-01-10', approver: 'Board', nextReviewOn, ...extra },
          { filename: `${title}.pdf`, bytes: pdfDocument(title), truncated: false },
          on,
        );
      expect(await policies.policyStatus(t.database.db, provider.id, on)).toEqual({
        policies: 0,
        inDate: 0,
        reviewDue: 0,
        overdue: 0,
        frameworkContentsMissing: null,
      });
      await add('Overdue yesterday', '2026-01-09');
      await add('Due today', '2026-01-10');
      await add('Due in 30 days', '2026-02-09');
      const inDate = await add('Due in 31 days', '2026-02-10');
      await add('Framework', '2027-01-01', {
        kind: 'prevent_framework',
        checklist: ['channel_pathway'],
        'section-channel_pathway': '2',
      });
      const status = await policies.policyStatus(t.database.db, provider.id, on);
      expect(status).toMatchObject({ policies: 5, inDate: 2, reviewDue: 2, overdue: 1 });
      expect(status.frameworkContentsMissing).toHaveLength(policies.requiredContentsFor(author.orgKind).length - 1);

      const reminders = (await policies.reviewReminders(t.database.db, on)).filter((r) => r.orgId === provider.id);
      expect(reminders.map((r) => [r.policyTitle, r.state])).toEqual([
        ['Overdue yesterday', 'overdue'],
        ['Due today', 'review_due'],
        ['Due in 30 days', 'review_due'],
      ]);
      expect(reminders.some((r) => r.policyId === inDate.id)).toBe(false);

      const sourced = (await policyReviewReminders(t.database, on)).filter((r) => r.orgId === provider.id);
      expect(sourced.map((r) => r.key)).toEqual([
        `policy-review-overdue:${reminders[0]?.versionId}`,
        `policy-review-due:${reminders[1]?.versionId}`,
        `policy-review-due:${reminders[2]?.versionId}`,
      ]);
      expect(sourced[0]).toMatchObject({
        roles: ['operational_lead', 'accountable_lead'],
        title: 'Policy review overdue: Overdue yesterday',
        link: `/policies/${reminders[0]?.policyId}`,
      });
      expect(sourced[0]?.body).toContain('9 January 2026');
    });
  });

  describe('links between policies', () => {
    it('links two policies, shows the link on both, refuses bad links and removes it, audited', async () => {
      // Two policies of a provider's own, so the demo trust's framework keeps no history of links.
      const { lead } = await aProviderOfTheIcb('RQ5', 'Quayside Links NHS Trust');
      const added = async (title: string, kind: string) => {
        const response = await upload(
          t,
          lead,
          '/policies',
          { title, kind, ...versionFields() },
          { filename: 'policy.pdf', type: 'application/pdf', bytes: pdfDocument(title) },
        );
        if (response.statusCode !== 303) throw new Error(`Adding ${title} answered ${response.statusCode}`);
        return idFromLocation(response);
      };
      const framework = await added('Quayside Prevent framework', 'prevent_framework');
      const estates = await added('Estates and premises policy', 'estates');
      // A third, so that once the two are linked the framework's page still offers a policy to link.
      await added('Quayside safeguarding policy', 'other');
      await lead.get(`/policies/${estates}`);
      const linked = await lead.post(`/policies/${estates}/links`, { linkedPolicyId: framework });
      expect(linked.statusCode).toBe(303);
      expect(textOf((await lead.get(`/policies/${estates}`)).body)).toMatch(/Policies linked to this one .*Prevent framework/);
      expect(textOf((await lead.get(`/policies/${framework}`)).body)).toMatch(
        /Policies linked to this one .*Estates and premises policy/,
      );

      // Another organisation's policy: the demo trust's framework.
      const othersPolicy = await policyIdByTitle('Prevent framework');
      const icbPolicy = await policyIdByTitle('Prevent framework for the integrated care system');
      // A second policy of the ICB's, so that its framework's page offers a policy of its own to link.
      await policies.createPolicyAs(
        t.database.db,
        await authorAt(qzz),
        {
          title: 'ICB safeguarding policy',
          kind: 'other',
          version: '1',
          approvedOn: daysFrom(today, -10),
          approver: 'ICB board',
          nextReviewOn: daysFrom(today, 355),
        },
        { filename: 'icb.pdf', bytes: pdfDocument('ICB safeguarding policy'), truncated: false },
        today,
      );
      const before = await snapshot(t);
      const again = await lead.post(`/policies/${framework}/links`, { linkedPolicyId: estates });
      expect(again.statusCode).toBe(400);
      expect(fieldError(again.body, 'linkedPolicyId')).toContain('are already linked');
      const self = await lead.post(`/policies/${estates}/links`, { linkedPolicyId: estates });
      expect(fieldError(self.body, 'linkedPolicyId')).toContain('cannot be linked to itself');
      const otherOrg = await lead.post(`/policies/${estates}/links`, { linkedPolicyId: othersPolicy });
      expect(otherOrg.statusCode).toBe(400);
      expect(fieldError(otherOrg.body, 'linkedPolicyId')).toContain('Choose one of your organisation’s own policies');
      const none = await lead.post(`/policies/${estates}/links`, { linkedPolicyId: '' });
      expect(fieldError(none.body, 'linkedPolicyId')).toContain('Choose the policy to link');
      // The ICB can read its providers' policies, but cannot link its own to them.
      await icbAdmin.get(`/policies/${icbPolicy}`);
      const acrossTenants = await icbAdmin.post(`/policies/${icbPolicy}/links`, { linkedPolicyId: framework });
      expect(fieldError(acrossTenants.body, 'linkedPolicyId')).toContain('Choose one of your organisation’s own policies');
      expect(await snapshot(t)).toEqual(before);

      // Removing from either end removes the one link.
      const removed = await lead.post(`/policies/${framework}/links/${estates}/remove`);
      expect(removed.statusCode).toBe(303);
      expect(textOf((await lead.get(`/policies/${estates}`)).body)).toContain('No policies are linked to this one');
      expect((await lead.post(`/policies/${framework}/links/${estates}/remove`)).statusCode).toBe(404);
      // Each change is audited against the policy whose page it was made from, naming the other.
      expect((await auditFor(estates)).map((a) => a.action)).toEqual(['policy.created', 'policy.linked']);
      const unlinked = (await auditFor(framework)).filter((a) => a.action === 'policy.unlinked');
      expect(unlinked.map((a) => a.details.linkedPolicyId)).toEqual([estates]);
    });
  });

  describe('who may do what', () => {
    it('lets a board viewer read and download, but not add or change', async () => {
      const framework = await policyIdByTitle('Prevent framework');
      const [, current] = await versionsOfPolicy(framework);
      expect((await board.get('/policies')).statusCode).toBe(200);
      const page = await board.get(`/policies/${framework}`);
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).not.toContain('Record a new version');
      expect(page.body).not.toContain('/remove');
      expect((await board.get(`/policies/${framework}/versions/${current?.id}/document`)).statusCode).toBe(200);
      expect((await board.get('/policies/new')).statusCode).toBe(403);
      expect((await board.get(`/policies/${framework}/versions/new`)).statusCode).toBe(403);
      const before = await snapshot(t);
      const post = await upload(t, board, `/policies/${framework}/versions`, versionFields({ version: '9' }), {
        filename: 'x.pdf',
        type: 'application/pdf',
        bytes: pdfDocument('x'),
      });
      expect(post.statusCode).toBe(403);
      expect((await board.post(`/policies/${framework}/links`, { linkedPolicyId: framework })).statusCode).toBe(403);
      expect(await snapshot(t)).toEqual(before);
    });

    it('refuses staff', async () => {
      expect((await staff.get('/policies')).statusCode).toBe(403);
      expect((await staff.get('/')).body).not.toContain('href="/policies"');
    });

    it('gives another trust’s lead 404 for RZ1’s policy, versions and document, and changes nothing', async () => {
      // A policy of the trust's own, to try to link to RZ1's.
      const own = (
        await policies.createPolicyAs(
          t.database.db,
          await authorAt(rz2),
          {
            title: 'Dales safeguarding policy',
            kind: 'other',
            version: '1',
            approvedOn: daysFrom(today, -10),
            approver: 'Board',
            nextReviewOn: daysFrom(today, 355),
          },
          { filename: 'dales.pdf', bytes: pdfDocument('Dales safeguarding policy'), truncated: false },
          today,
        )
      ).id;
      const framework = await policyIdByTitle('Prevent framework');
      const [old, current] = await versionsOfPolicy(framework);
      for (const url of [
        `/policies/${framework}`,
        `/policies/${framework}/versions/new`,
        `/policies/${framework}/versions/${old?.id}`,
        `/policies/${framework}/versions/${current?.id}/document`,
        `/policies?org=${rz1}`,
      ]) {
        expect((await otherTrustLead.get(url)).statusCode, url).toBe(404);
      }
      const before = await snapshot(t);
      const post = await upload(t, otherTrustLead, `/policies/${framework}/versions`, versionFields({ version: '9' }), {
        filename: 'x.pdf',
        type: 'application/pdf',
        bytes: pdfDocument('x'),
      });
      expect(post.statusCode).toBe(404);
      expect((await otherTrustLead.post(`/policies/${framework}/links`, { linkedPolicyId: own })).statusCode).toBe(404);
      expect((await otherTrustLead.post(`/policies/${own}/links`, { linkedPolicyId: framework })).statusCode).toBe(400);
      expect(await snapshot(t)).toEqual(before);
      expect(rowOf((await otherTrustLead.get('/policies')).body, 'Prevent framework')).toBe('');
    });

    it('lets the commissioning ICB read its providers’ registers and documents, but not change them', async () => {
      const framework = await policyIdByTitle('Prevent framework');
      const [, current] = await versionsOfPolicy(framework);
      const register = await commissioner.get(`/policies?org=${rz1}`);
      expect(register.statusCode).toBe(200);
      expect(textOf(register.body)).toContain('Northshire Teaching Hospitals');
      expect(textOf(register.body)).not.toContain('Add a policy');
      const page = await commissioner.get(`/policies/${framework}`);
      expect(page.statusCode).toBe(200);
      expect(textOf(page.body)).not.toContain('Record a new version');
      const download = await commissioner.get(`/policies/${framework}/versions/${current?.id}/document`);
      expect(download.statusCode).toBe(200);
      const audited = (await auditFor(current?.id ?? '')).filter((a) => a.action === 'policy.document.downloaded');
      expect(
        audited.some((a) => a.org_id === rz1 && a.actor_label.includes(demo.commissioner) && a.details.byOrganisation === 'QZZ'),
      ).toBe(true);

      // The ICB's administrator may edit the ICB's policies, not a provider's.
      expect((await icbAdmin.get(`/policies/${framework}/versions/new`)).statusCode).toBe(404);
      const before = await snapshot(t);
      const post = await upload(t, icbAdmin, `/policies/${framework}/versions`, versionFields({ version: '9' }), {
        filename: 'x.pdf',
        type: 'application/pdf',
        bytes: pdfDocument('x'),
      });
      expect(post.statusCode).toBe(404);
      expect(await snapshot(t)).toEqual(before);
      // A provider does not read its commissioner's register.
      expect((await lead.get(`/policies?org=${qzz}`)).statusCode).toBe(404);
    });
  });

  describe('forms and their limits', () => {
    it('checks the CSRF token inside a multipart upload', async () => {
      const before = await snapshot(t);
      const file = { filename: 'x.pdf', type: 'application/pdf', bytes: pdfDocument('x') };
      const fields = { title: 'Forged', kind: 'hr', ...versionFields() };
      for (const token of ['', 'not-the-token']) {
        const response = await upload(t, lead, '/policies', { ...fields, _csrf: token }, file);
        expect(response.statusCode).toBe(403);
        expect(textOf(response.body)).toContain('This form has expired');
      }
      const { payload, contentType } = multipartBody(Object.entries(fields), file);
      const noToken = await t.app.inject({
        method: 'POST',
        url: '/policies',
        payload,
        headers: { cookie: lead.cookieHeader, 'content-type': contentType },
      });
      expect(noToken.statusCode).toBe(403);
      // A route that did not declare multipart CSRF handling finds no token in a multipart body.
      const framework = await policyIdByTitle('Prevent framework');
      const linkAsMultipart = await upload(t, lead, `/policies/${framework}/links`, { linkedPolicyId: framework });
      expect(linkAsMultipart.statusCode).toBe(403);
      expect(await snapshot(t)).toEqual(before);
    });

    it('answers an upload sent without multipart, or malformed, with a 4xx and changes nothing', async () => {
      const before = await snapshot(t);
      const plain = await lead.post('/policies', { title: 'Plain', kind: 'hr', ...versionFields() });
      expect(plain.statusCode).toBe(415);
      const broken = await t.app.inject({
        method: 'POST',
        url: '/policies',
        payload: `--xyz\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${lead.csrf}\r\n--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\nCut short`,
        headers: { cookie: lead.cookieHeader, 'content-type': 'multipart/form-data; boundary=xyz' },
      });
      expect(broken.statusCode).toBeGreaterThanOrEqual(400);
      expect(broken.statusCode).toBeLessThan(500);
      expect(await snapshot(t)).toEqual(before);
    });

    it('keeps the 64 KiB limit for ordinary forms, and no multipart anywhere else', async () => {
      const framework = await policyIdByTitle('Prevent framework');
      const large = await lead.post(`/policies/${framework}/links`, { linkedPolicyId: 'x'.repeat(70 * 1024) });
      expect(large.statusCode).toBe(413);
      const { payload, contentType } = multipartBody([
        ['_csrf', lead.csrf],
        ['name', 'x'],
      ]);
      const elsewhere = await t.app.inject({
        method: 'POST',
        url: `/organisations/${rz1}`,
        payload,
        headers: { cookie: lead.cookieHeader, 'content-type': contentType },
      });
      expect(elsewhere.statusCode).toBe(415);
    });
  });
});
