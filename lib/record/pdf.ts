/**
 * A minimal PDF 1.4 writer: pages of text in the standard Helvetica fonts (not embedded, WinAnsi encoding) and
 * straight lines, uncompressed content streams, one cross-reference table. Enough for a report a reader opens
 * and prints; no dependency. Coordinates in points from the bottom-left corner (A4: 595 × 842).
 */
export const A4 = { width: 595, height: 842 } as const;

interface Page {
  ops: string[];
}

export class PdfDocument {
  private pages: Page[] = [];

  constructor(private readonly info: { title: string; creationDate: number }) {}

  addPage(): void {
    this.pages.push({ ops: [] });
  }

  get pageCount(): number {
    return this.pages.length;
  }

  text(x: number, y: number, size: number, text: string, bold = false, page = this.pages.length - 1): void {
    this.pageAt(page).ops.push(`BT /${bold ? "F2" : "F1"} ${num(size)} Tf ${num(x)} ${num(y)} Td (${pdfString(text)}) Tj ET`);
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.5): void {
    this.pageAt(this.pages.length - 1).ops.push(`${num(width)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  toBuffer(): Buffer {
    if (this.pages.length === 0) this.addPage();
    // objects: 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, 5 info, then a page and its content per page
    const objects: Buffer[] = [];
    const pageIds = this.pages.map((_, i) => 6 + 2 * i);
    objects.push(latin1("<< /Type /Catalog /Pages 2 0 R >>"));
    objects.push(latin1(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${this.pages.length} >>`));
    objects.push(latin1("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"));
    objects.push(latin1("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"));
    objects.push(latin1(`<< /Title (${pdfString(this.info.title)}) /Producer (edge-record) /CreationDate (${pdfDate(this.info.creationDate)}) >>`));
    this.pages.forEach((page, i) => {
      const contentId = pageIds[i] + 1;
      objects.push(latin1(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${A4.width} ${A4.height}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${contentId} 0 R >>`));
      const stream = latin1(page.ops.join("\n"));
      objects.push(Buffer.concat([latin1(`<< /Length ${stream.length} >>\nstream\n`), stream, latin1("\nendstream")]));
    });
    // the binary comment tells transfer tools the file is not text
    const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
    let at = parts[0].length;
    const offsets: number[] = [];
    objects.forEach((body, i) => {
      offsets.push(at);
      const obj = Buffer.concat([latin1(`${i + 1} 0 obj\n`), body, latin1("\nendobj\n")]);
      parts.push(obj);
      at += obj.length;
    });
    const xref = [`xref\n0 ${objects.length + 1}\n`, "0000000000 65535 f \n", ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)].join("");
    parts.push(latin1(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${at}\n%%EOF\n`));
    return Buffer.concat(parts);
  }

  private pageAt(i: number): Page {
    if (!this.pages[i]) throw new Error(`no page ${i + 1}`);
    return this.pages[i];
  }
}

/** text as a PDF literal string in WinAnsi: parentheses and backslashes escaped, other bytes outside ASCII as octal */
export function pdfString(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = winAnsi(ch);
    if (code === 0x28 || code === 0x29 || code === 0x5c) out += `\\${String.fromCharCode(code)}`;
    else if (code < 0x20 || code > 0x7e) out += `\\${code.toString(8).padStart(3, "0")}`;
    else out += String.fromCharCode(code);
  }
  return out;
}

const WIN_ANSI: Record<string, number> = { "€": 0x80, "…": 0x85, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "–": 0x96, "—": 0x97, "−": 0x2d, "≤": 0x3c, "≥": 0x3e };

function winAnsi(ch: string): number {
  const c = ch.codePointAt(0) ?? 0x3f;
  if (c === 0x0a || c === 0x0d || c === 0x09) return 0x20;
  if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff)) return c;
  return WIN_ANSI[ch] ?? 0x3f;
}

function latin1(s: string): Buffer {
  return Buffer.from(s, "latin1");
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function pdfDate(ms: number): string {
  const d = new Date(ms).toISOString();
  return `D:${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}${d.slice(11, 13)}${d.slice(14, 16)}${d.slice(17, 19)}Z`;
}
