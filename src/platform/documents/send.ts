import type { FastifyReply } from 'fastify';
import type { ReportDocument } from './document.ts';
import { reportDocx } from './docx.ts';
import { reportPdf } from './pdf.ts';

export const documentTypes = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
} as const;

export type DocumentFormat = keyof typeof documentTypes;

/** A document as a PDF or Word file to download, named `name` with the format's extension. */
export async function sendDocument(reply: FastifyReply, document: ReportDocument, name: string, format: DocumentFormat) {
  const body = format === 'pdf' ? await reportPdf(document) : await reportDocx(document);
  reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
  return reply.type(documentTypes[format]).send(body);
}
