/** svg-to-pdfkit ships no types: the part of its API that the PDF renderer uses. */
declare module 'svg-to-pdfkit' {
  type SvgToPdfOptions = {
    width?: number;
    height?: number;
    preserveAspectRatio?: string;
    /** Take SVG units as points rather than CSS pixels (72/96 of a point). */
    assumePt?: boolean;
    precision?: number;
    /** The name of a font registered in the document, for the family, weight and style the SVG asks for. */
    fontCallback?: (
      family: string,
      bold: boolean,
      italic: boolean,
      fontOptions: { fauxBold?: boolean; fauxItalic?: boolean },
    ) => string;
    warningCallback?: (message: string) => void;
  };

  function SVGtoPDF(doc: PDFKit.PDFDocument, svg: string, x?: number, y?: number, options?: SvgToPdfOptions): void;
  export default SVGtoPDF;
}
