// Opening a PDF as a reader does: Mozilla's pdf.js parses it and gives back its pages' text.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

const fonts = join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts/");

/** The number of pages and the text of a PDF's bytes; throws if it does not open. */
export async function readPdf(bytes) {
  const doc = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: fonts, verbosity: 0 }).promise;
  let text = "";
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    text += content.items.map((item) => item.str).join(" ") + "\n";
  }
  return { pages: doc.numPages, text };
}
