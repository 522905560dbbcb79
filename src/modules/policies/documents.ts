import { createHash } from 'node:crypto';
import path from 'node:path';
import yauzl from 'yauzl';

/** Largest policy document accepted. Policies are text with a few images; 10 MB leaves room without filling the database. */
export const maxDocumentBytes = 10 * 1024 * 1024;

export type DocumentFormat = 'pdf' | 'docx' | 'doc';

export const documentFormats: Record<DocumentFormat, { contentType: string; extension: string; name: string }> = {
  pdf: { contentType: 'application/pdf', extension: '.pdf', name: 'PDF' },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: '.docx',
    name: 'Word document',
  },
  doc: { contentType: 'application/msword', extension: '.doc', name: 'Word 97-2003 document' },
};

const pdfMagic = Buffer.from('%PDF-', 'latin1');
const zipMagic = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const oleMagic = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
// Word 97-2003 keeps its text in a stream of this name; Excel and PowerPoint files share the OLE container but not this stream.
const wordStreamName = Buffer.from('WordDocument', 'utf16le');

/** A .docx is a ZIP with the main document part at word/document.xml; other Office files and plain ZIPs are not. */
async function isWordPackage(bytes: Buffer): Promise<boolean> {
  try {
    const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true });
    let seen = 0;
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName === 'word/document.xml') return true;
      // A real document has a few dozen parts; a ZIP with many thousands is not worth walking.
      if (++seen > 5000) return false;
    }
    return false;
  } catch {
    return false;
  }
}

/**
 * What a file is, judged by its content alone: the name and the type the browser sent are
 * the uploader's to choose, so they decide nothing. Undefined for anything but PDF or Word.
 */
export async function formatOf(bytes: Buffer): Promise<DocumentFormat | undefined> {
  if (bytes.subarray(0, pdfMagic.length).equals(pdfMagic)) return 'pdf';
  if (bytes.subarray(0, zipMagic.length).equals(zipMagic)) return (await isWordPackage(bytes)) ? 'docx' : undefined;
  if (bytes.subarray(0, oleMagic.length).equals(oleMagic) && bytes.includes(wordStreamName)) return 'doc';
  return undefined;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The name to keep and offer on download: the uploader's base name, without path or control
 * characters, with the extension that matches what the file really is.
 */
export function storedNameFor(uploadedName: string, format: DocumentFormat): string {
  const base = path.posix.basename(uploadedName.replaceAll('\\', '/'));
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}"<>|*?:]/gu, '')
    .trim()
    .slice(0, 150);
  const stem = cleaned.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'policy';
  return `${stem}${documentFormats[format].extension}`;
}

/** The content-disposition header for a download: an ASCII fallback, and the real name for browsers that read RFC 5987. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
