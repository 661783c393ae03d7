/**
 * A structural check of a PDF, for the tests (poppler's pdftotext is not installed here): the header, the
 * cross-reference table (every in-use entry pointing at its own "N 0 obj"), the trailer's /Size and /Root, every
 * stream's /Length, the page tree's /Count; and the text of the content streams' Tj strings, unescaped.
 */
import * as assert from "assert";

export interface PdfFacts {
  objects: number;
  pages: number;
  /** the strings shown, per page, in order */
  text: string[][];
}

export function checkPdf(pdf: Buffer): PdfFacts {
  const s = pdf.toString("latin1");
  assert.ok(s.startsWith("%PDF-1.4\n"), "a PDF 1.4 header");
  const tail = /startxref\n(\d+)\n%%EOF\n?$/.exec(s);
  assert.ok(tail, "ends with startxref and %%EOF");
  const xrefAt = Number(tail[1]);
  const xref = /^xref\n0 (\d+)\n/.exec(s.slice(xrefAt));
  assert.ok(xref, `an xref table at ${xrefAt}`);
  const count = Number(xref[1]);
  const entriesAt = xrefAt + xref[0].length;
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const entry = s.slice(entriesAt + 20 * i, entriesAt + 20 * (i + 1));
    const m = /^(\d{10}) (\d{5}) ([nf]) \n$/.exec(entry);
    assert.ok(m, `xref entry ${i} is 20 bytes "nnnnnnnnnn ggggg n \\n": ${JSON.stringify(entry)}`);
    if (i === 0) assert.strictEqual(m[3], "f", "entry 0 is free");
    else {
      assert.strictEqual(m[3], "n");
      const at = Number(m[1]);
      assert.ok(s.startsWith(`${i} 0 obj\n`, at), `xref entry ${i} points at "${i} 0 obj" (offset ${at})`);
      offsets.push(at);
    }
  }
  const trailer = s.slice(entriesAt + 20 * count);
  assert.ok(trailer.startsWith("trailer\n"), "the trailer follows the xref table");
  assert.ok(new RegExp(`/Size ${count}\\b`).test(trailer), "/Size is the xref table's length");
  const root = /\/Root (\d+) 0 R/.exec(trailer);
  assert.ok(root, "a /Root");
  const bodies = offsets.map((at, i) => {
    const end = s.indexOf("\nendobj\n", at);
    assert.ok(end > at, `object ${i + 1} ends with endobj`);
    return s.slice(at + `${i + 1} 0 obj\n`.length, end);
  });
  assert.ok(/\/Type \/Catalog/.test(bodies[Number(root[1]) - 1]), "the root is the catalog");
  const pageObjects = bodies.filter((b) => /\/Type \/Page\b/.test(b));
  const pagesCount = bodies.map((b) => /\/Type \/Pages .*\/Count (\d+)/.exec(b)).find(Boolean);
  assert.ok(pagesCount, "a page tree");
  assert.strictEqual(Number(pagesCount[1]), pageObjects.length, "/Count is the number of pages");
  const text: string[][] = [];
  for (const page of pageObjects) {
    const contents = /\/Contents (\d+) 0 R/.exec(page);
    assert.ok(contents, "a page names its contents");
    const body = bodies[Number(contents[1]) - 1];
    const m = /^<< \/Length (\d+) >>\nstream\n/.exec(body);
    assert.ok(m, "a content stream with its /Length");
    const stream = body.slice(m[0].length);
    assert.ok(stream.endsWith("\nendstream"), "the stream ends with endstream");
    assert.strictEqual(Buffer.byteLength(stream.slice(0, -"\nendstream".length), "latin1"), Number(m[1]), "/Length is the stream's length");
    text.push([...stream.matchAll(/\(((?:\\.|[^\\)])*)\) Tj/g)].map((x) => unescape(x[1])));
  }
  return { objects: count - 1, pages: pageObjects.length, text };
}

function unescape(s: string): string {
  return s.replace(/\\([0-7]{3}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(parseInt(e, 8)) : e));
}
