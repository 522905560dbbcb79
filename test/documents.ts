import { text } from 'node:stream/consumers';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import yauzl from 'yauzl';

/**
 * Reading generated PDF and Word files back, for tests that look for what a person would see in them:
 * a real PDF parser (pdf.js) rather than a search of the raw bytes, whose text is compressed and
 * encoded as glyph ids, and the parts of a Word package unzipped.
 */

async function openPdf(bytes: Buffer) {
  // pdf.js takes ownership of the array it is given, so it gets a copy.
  return getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
}

/** The text of every page, in order, one line per run of text the PDF draws. */
export async function pdfText(bytes: Buffer): Promise<string> {
  const pdf = await openPdf(bytes);
  try {
    const pages: string[] = [];
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const content = await (await pdf.getPage(number)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('\n'));
    }
    return pages.join('\n');
  } finally {
    await pdf.destroy();
  }
}

type OutlineNode = { title: string; items: OutlineNode[] };

/** The titles of the PDF's bookmarks, depth first (a chapter, then its parts). */
export async function pdfOutline(bytes: Buffer): Promise<string[]> {
  const pdf = await openPdf(bytes);
  try {
    const flatten = (nodes: OutlineNode[]): string[] => nodes.flatMap((node) => [node.title, ...flatten(node.items)]);
    return flatten((await pdf.getOutline()) ?? []);
  } finally {
    await pdf.destroy();
  }
}

/** The names of the parts in a ZIP package (a .docx), such as `word/media/image1.png`. */
export async function zipParts(bytes: Buffer): Promise<string[]> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const names: string[] = [];
  for await (const entry of zip.eachEntry()) names.push(entry.fileName);
  return names;
}

/** One part of a Word package as text: the document body unless another is named. */
export async function docxXml(bytes: Buffer, part = 'word/document.xml'): Promise<string> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  for await (const entry of zip.eachEntry()) {
    if (entry.fileName === part) return text(await zip.openReadStreamPromise(entry));
  }
  throw new Error(`no ${part} in the package`);
}

/** Every file in a ZIP (the CQC evidence pack), by name, as bytes. */
export async function zipFiles(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const files = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    files.set(entry.fileName, Buffer.concat(chunks));
  }
  return files;
}
