/**
 * The report as a PDF: the device, the period and the record's entries at the top, the summary per resource and
 * the alarms with their acknowledgements as tables, and on every page's foot the record's head (sequence and hash)
 * and the page number. The readings themselves are in the CSV (a day at one a minute is thousands of lines).
 */
import { A4, PdfDocument } from "./pdf";
import type { Report } from "./report";
import { fixed, isoTime, minutes } from "./report-format";

const MARGIN = 40;
const ROW = 13;
const LINE = 10;
const MAX_LINES = 4;
const SIZE = 8;
/** Helvetica's mean advance at this size, for cutting cells to their column */
const CHAR_W = SIZE * 0.5;

interface Column {
  title: string;
  width: number;
}

export function reportPdf(report: Report, generatedAt: number, head: { seq: number; hash: string }): Buffer {
  const pdf = new PdfDocument({ title: `Temperature record ${report.device} ${report.period.label}`, creationDate: generatedAt });
  let y = 0;
  const newPage = () => {
    pdf.addPage();
    y = A4.height - MARGIN;
  };
  const need = (height: number) => {
    if (y - height < MARGIN + 20) newPage();
  };
  /** a row of cells wrapped to their columns (at most MAX_LINES lines each), as tall as its tallest cell */
  const row = (columns: Column[], cells: string[], bold: boolean) => {
    const wrapped = cells.map((text, i) => wrap(text, columns[i].width));
    const lines = Math.max(1, ...wrapped.map((w) => w.length));
    return {
      height: lines * LINE + (ROW - LINE),
      draw: () => {
        let x = MARGIN;
        wrapped.forEach((w, i) => {
          w.forEach((text, l) => pdf.text(x, y - l * LINE, SIZE, text, bold));
          x += columns[i].width;
        });
        y -= lines * LINE + (ROW - LINE);
      },
    };
  };
  const table = (columns: Column[], rows: string[][]) => {
    const header = () => {
      const h = row(columns, columns.map((c) => c.title), true);
      need(h.height + ROW);
      h.draw();
      pdf.line(MARGIN, y + ROW - 3, A4.width - MARGIN, y + ROW - 3);
    };
    header();
    for (const cells of rows) {
      const r = row(columns, cells, false);
      if (y - r.height < MARGIN + 20) {
        newPage();
        header();
      }
      r.draw();
    }
    if (rows.length === 0) {
      pdf.text(MARGIN, y, SIZE, "none");
      y -= ROW;
    }
    y -= ROW;
  };

  newPage();
  pdf.text(MARGIN, y, 14, `Temperature record: ${report.device}`, true);
  y -= 20;
  for (const line of [
    `Period: ${report.period.label} (${isoTime(report.period.from)} to ${isoTime(report.period.to)}, UTC)`,
    `Generated: ${isoTime(generatedAt)} from record entries ${report.entries.first ?? "-"} to ${report.entries.last ?? "-"}`,
    "Time out of range: each reading holds until the next; intervals beyond the gap limit count as no data. MKT over the readings, dH/R 10,000 K.",
  ]) {
    pdf.text(MARGIN, y, 9, line);
    y -= ROW;
  }
  y -= ROW;
  pdf.text(MARGIN, y, 11, "Summary", true);
  y -= ROW + 2;
  table(
    [
      { title: "resource", width: 70 },
      { title: "units", width: 30 },
      { title: "readings", width: 40 },
      { title: "min", width: 38 },
      { title: "max", width: 38 },
      { title: "mean", width: 38 },
      { title: "MKT", width: 38 },
      { title: "range", width: 58 },
      { title: "out of range (min)", width: 75 },
      { title: "excursions", width: 45 },
      { title: "no data (min)", width: 45 },
    ],
    report.summaries.map((s) => [s.resource, s.units, String(s.readings), fixed(s.min), fixed(s.max), fixed(s.mean), fixed(s.mkt), `${fixed(s.low, 1)}..${fixed(s.high, 1)}`, minutes(s.outOfRangeMs), String(s.excursions), minutes(s.noDataMs)]),
  );
  need(ROW * 3);
  pdf.text(MARGIN, y, 11, "Alarms and acknowledgements", true);
  y -= ROW + 2;
  table(
    [
      { title: "rule", width: 62 },
      { title: "severity", width: 38 },
      { title: "start (UTC)", width: 82 },
      { title: "end (UTC)", width: 82 },
      { title: "peak", width: 28 },
      { title: "acknowledged by", width: 55 },
      { title: "at (UTC)", width: 82 },
      { title: "comment / shelved / escalated", width: 86 },
    ],
    report.alarms.map((a) => [
      a.rule,
      a.severity,
      when(a.start),
      a.end === null ? "open" : when(a.end),
      fixed(a.peak, 1),
      a.acknowledgements.map((k) => k.by).join(", ") || "not acknowledged",
      a.acknowledgements.map((k) => when(k.at)).join(", "),
      [...a.acknowledgements.map((k) => k.comment).filter(Boolean), ...a.shelves.map((s) => `shelved by ${s.by}: ${s.reason}`), ...a.escalations.map((e) => `escalated ${e.severity}`), ...(a.suppressed.length ? [`suppressed: ${a.suppressed.join(", ")}`] : [])].join("; "),
    ]),
  );
  const pages = pdf.pageCount;
  for (let i = 0; i < pages; i++) pdf.text(MARGIN, MARGIN - 10, 7, `record head: entry ${head.seq}, SHA-256 ${head.hash} - page ${i + 1} of ${pages}`, false, i);
  return pdf.toBuffer();
}

/** text in lines that fit `width`, broken at spaces where it can; the last line cut with an ellipsis when it cannot all fit */
function wrap(text: string, width: number): string[] {
  const max = Math.max(1, Math.floor((width - 3) / CHAR_W));
  const lines: string[] = [];
  let rest = text;
  while (rest.length > max && lines.length < MAX_LINES - 1) {
    const space = rest.lastIndexOf(" ", max);
    const at = space > 0 ? space : max;
    lines.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  lines.push(rest.length <= max ? rest : `${rest.slice(0, max - 1)}…`);
  return lines.filter((l, i) => l !== "" || i === 0);
}

/** a time as the PDF shows it: date and time, UTC, to the second */
function when(ms: number | null): string {
  return isoTime(ms).replace("T", " ").replace("Z", "");
}
