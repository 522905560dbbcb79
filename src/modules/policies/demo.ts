import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import type { Database } from '../../db/client.ts';
import { addDays, todayInLondon } from '../../platform/dates.ts';
import type { Actor } from '../audit/service.ts';
import * as organisations from '../organisations/service.ts';
import type { UploadedFile } from './service.ts';
import * as policies from './service.ts';

const pdfText = (text: string) => text.replace(/[^\x20-\x7e]/g, '-').replace(/[\\()]/g, (c) => `\\${c}`);

/**
 * A small but complete PDF (one A4 page of Helvetica text, with a correct cross-reference
 * table), so that the demo and the tests hold documents any reader opens.
 */
export function pdfDocument(title: string, lines: readonly string[] = []): Buffer {
  const text = [
    'BT /F1 18 Tf 56 780 Td',
    `(${pdfText(title)}) Tj`,
    '/F1 11 Tf 0 -28 Td 14 TL',
    ...lines.map((line) => `(${pdfText(line)}) '`),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A Word (.docx) document with a heading and paragraphs. */
export async function wordDocument(title: string, lines: readonly string[] = []): Promise<Buffer> {
  const document = new Document({
    creator: 'Prevent Assure demo',
    title,
    sections: [
      {
        children: [new Paragraph({ text: title, heading: HeadingLevel.HEADING_1 }), ...lines.map((line) => new Paragraph(line))],
      },
    ],
  });
  return Packer.toBuffer(document);
}

const upload = (filename: string, bytes: Buffer): UploadedFile => ({ filename, bytes, truncated: false });

const seeder: Actor = { userId: null, label: 'demo data loader', ip: null };

type DemoIds = ReadonlyMap<string, { id: string; name: string }>;

/** Every required content ticked, each with a plausible section of the document. */
function ticked(orgKind: organisations.OrganisationKind, except: readonly string[] = []): Record<string, unknown> {
  const items = policies.requiredContentsFor(orgKind).filter((item) => !except.includes(item.key));
  return {
    checklist: items.map((item) => item.key),
    ...Object.fromEntries(items.map((item, i) => [policies.sectionField(item.key), `Section ${i + 3}`])),
  };
}

/**
 * The demo register shows every state: at the foundation trust RZ1, a complete Prevent
 * framework with an earlier version kept, a safeguarding policy overdue for review and an
 * HR policy (in Word) due for review soon, both linked to the framework; at the ICB, a
 * framework with one required content missing. Dates are relative to the day it is loaded.
 */
export async function seedPoliciesDemo(database: Database, ids: DemoIds): Promise<void> {
  const db = database.db;
  const today = todayInLondon();
  const day = (offset: number) => addDays(today, offset);
  const authorAt = async (ods: string): Promise<policies.PolicyAuthor> => {
    const id = ids.get(ods)?.id;
    const org = id ? await organisations.findById(db, id) : undefined;
    if (!org) throw new Error(`demo organisation ${ods} missing`);
    return { actor: seeder, userId: null, orgId: org.id, orgKind: org.kind };
  };

  const trust = await authorAt('RZ1');
  const trustName = ids.get('RZ1')?.name ?? 'RZ1';
  const framework = await policies.createPolicyAs(
    db,
    trust,
    {
      title: 'Prevent framework',
      kind: 'prevent_framework',
      version: '1.0',
      approvedOn: day(-560),
      approver: 'Trust board',
      nextReviewOn: day(-195),
      ...ticked(trust.orgKind, ['contract_quality_checks']),
    },
    upload('prevent-framework-v1.pdf', pdfDocument(`${trustName}: Prevent framework, version 1.0`)),
    today,
  );
  await policies.addVersionAs(
    db,
    trust,
    framework.id,
    { version: '2.0', approvedOn: day(-200), approver: 'Trust board', nextReviewOn: day(165), ...ticked(trust.orgKind) },
    upload(
      'prevent-framework-v2.pdf',
      pdfDocument(`${trustName}: Prevent framework, version 2.0`, [
        '1 Purpose  2 Scope  3 Linked policies  4 Changes affecting Prevent',
        '5 Channel referral pathway  6 Information sharing  7 Recording concerns',
        '8 Escalation and referral  9 Local contracts and quality checks',
      ]),
    ),
    today,
  );
  const safeguarding = await policies.createPolicyAs(
    db,
    trust,
    {
      title: 'Safeguarding adults and children policy',
      kind: 'safeguarding',
      version: '3.1',
      approvedOn: day(-760),
      approver: 'Quality and safety committee',
      nextReviewOn: day(-30),
    },
    upload('safeguarding-policy.pdf', pdfDocument(`${trustName}: Safeguarding adults and children policy, version 3.1`)),
    today,
  );
  const hr = await policies.createPolicyAs(
    db,
    trust,
    {
      title: 'Recruitment and workforce policy',
      kind: 'hr',
      version: '1.2',
      approvedOn: day(-340),
      approver: 'People committee',
      nextReviewOn: day(20),
    },
    upload(
      'recruitment-and-workforce-policy.docx',
      await wordDocument('Recruitment and workforce policy', ['Version 1.2', 'Prevent training is part of induction.']),
    ),
    today,
  );
  await policies.linkPoliciesAs(db, trust, framework.id, { linkedPolicyId: hr.id });
  await policies.linkPoliciesAs(db, trust, framework.id, { linkedPolicyId: safeguarding.id });

  const icb = await authorAt('QZZ');
  await policies.createPolicyAs(
    db,
    icb,
    {
      title: 'Prevent framework for the integrated care system',
      kind: 'prevent_framework',
      version: '1.0',
      approvedOn: day(-120),
      approver: 'ICB board',
      nextReviewOn: day(245),
      ...ticked(icb.orgKind, ['contract_monitoring']),
    },
    upload('icb-prevent-framework.pdf', pdfDocument(`${ids.get('QZZ')?.name ?? 'ICB'}: Prevent framework, version 1.0`)),
    today,
  );
}
