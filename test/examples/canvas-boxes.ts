/**
 * Where Node-RED's editor draws each node of a flow file, computed from the file alone: a node's (x, y) is its
 * centre; its width is max(100, the label's width + 50 (+7 with an input port), rounded up to 20 px) and its height
 * max(30, 15 px per output), as in the editor's view.js. The label's width is estimated from DejaVu Sans at 14 px
 * (the widest of the editor's usual fallback fonts), so the estimate errs wide; the browser test checks it against
 * the widths the editor really draws.
 */
import * as fs from "fs";
import * as path from "path";

export interface FlowNode {
  id: string;
  type: string;
  z?: string;
  g?: string;
  x?: number;
  y?: number;
  w?: number;
  h?: number;
  name?: string;
  label?: string;
  l?: boolean;
  wires?: unknown[][];
  [key: string]: unknown;
}

export interface Box {
  id: string;
  type: string;
  label: string;
  z: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

// DejaVu Sans advance widths in thousandths of an em
const WIDTHS: Record<string, number> = {
  " ": 318, "\t": 318, "¹": 400, "!": 400, '"': 460, "#": 838, $: 636, "%": 950, "&": 780, "'": 275, "(": 390, ")": 390, "*": 500, "+": 838, ",": 318, "-": 361, ".": 318, "/": 337,
  ":": 337, ";": 337, "<": 838, "=": 838, ">": 838, "?": 531, "@": 1000, "[": 390, "\\": 337, "]": 390, _: 500, "{": 636, "|": 337, "}": 636, "~": 838,
  a: 613, b: 635, c: 550, d: 635, e: 615, f: 352, g: 635, h: 634, i: 278, j: 278, k: 579, l: 278, m: 974, n: 634, o: 612, p: 635, q: 635, r: 411, s: 521,
  t: 392, u: 634, v: 592, w: 818, x: 592, y: 592, z: 525,
  A: 684, B: 686, C: 698, D: 770, E: 632, F: 575, G: 775, H: 752, I: 295, J: 295, K: 656, L: 557, M: 863, N: 748, O: 787, P: 603, Q: 787, R: 695, S: 635,
  T: 611, U: 732, V: 684, W: 989, X: 685, Y: 611, Z: 685, "°": 500, "→": 838, "−": 838, "–": 500, "—": 1000, "…": 1000, "×": 838,
};
const FONT_PX = 14;
const MARGIN = 1.05;

/** the label's width in px at the editor's 14 px (characters not in the table count as a full em) */
export function labelWidth(text: string): number {
  let em = 0;
  for (const ch of text) em += WIDTHS[ch] ?? (/[0-9]/.test(ch) ? 636 : 1000);
  return Math.ceil((em / 1000) * FONT_PX * MARGIN);
}

// core and dashboard node types without an input port; the pack's are read from their editor definitions
const NO_INPUT = new Set(["inject", "catch", "status", "complete", "comment", "link in", "http in", "mqtt in", "udp in", "tcp in", "websocket in", "watch", "ui-template-no-input"]);
const HIDDEN_LABEL = new Set(["link in", "link out", "junction"]);

const packRoot = path.resolve(__dirname, "..", "..");
const inputsOfPackType = new Map<string, number>();

function packInputs(type: string): number | undefined {
  if (inputsOfPackType.has(type)) return inputsOfPackType.get(type);
  let found: number | undefined;
  const dir = path.join(packRoot, "nodes", type);
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir)) {
      if (!/\.(html|ts)$/.test(f) || f === `${type}.ts`) continue;
      const m = /\binputs\s*:\s*(\d)/.exec(fs.readFileSync(path.join(dir, f), "utf8"));
      if (m) {
        found = Number(m[1]);
        break;
      }
    }
  }
  inputsOfPackType.set(type, found ?? 1);
  return found;
}

function hasInput(n: FlowNode): boolean {
  if (NO_INPUT.has(n.type)) return false;
  return (packInputs(n.type) ?? 1) > 0;
}

/** what some core nodes add to their label: inject a repeat or once mark, join its count */
function labelSuffix(n: FlowNode): string {
  if (n.type === "inject") return (n.repeat && Number(n.repeat) !== 0) || n.crontab ? "\t↻" : n.once ? " ¹" : "";
  if (n.type === "join" && n.mode === "custom" && n.count !== "" && !isNaN(Number(n.count))) return ` ${n.count}${n.accumulate === true ? "+" : ""}`;
  return "";
}

/** the text the editor shows on the node: its name, or what its type shows without one (approximated) */
export function nodeLabel(n: FlowNode): string {
  if (typeof n.name === "string" && n.name) return n.name + labelSuffix(n);
  if (n.type === "http in") return `[${String(n.method ?? "get")}] ${String(n.url ?? "")}`;
  if (n.type === "debug") return `msg.${String(n.complete ?? "payload")}`;
  if (n.type === "inject") return `${String(n.topic ?? "")} timestamp ↻`;
  if (n.type === "complete" || n.type === "catch" || n.type === "status") return `${n.type}: all`;
  return n.type;
}

export function isLabelHidden(n: FlowNode): boolean {
  return n.l === false || (HIDDEN_LABEL.has(n.type) && n.l !== true);
}

export function nodeBox(n: FlowNode): Box {
  const label = nodeLabel(n);
  let w: number;
  let h: number;
  if (n.type === "group") {
    w = Number(n.w ?? 0);
    h = Number(n.h ?? 0);
    // a group's x/y is its top-left corner
    return { id: n.id, type: n.type, label, z: n.z ?? "", left: Number(n.x), top: Number(n.y), right: Number(n.x) + w, bottom: Number(n.y) + h };
  }
  if (isLabelHidden(n)) w = 30;
  else w = Math.max(100, 20 * Math.ceil((labelWidth(label) + 50 + (hasInput(n) ? 7 : 0)) / 20));
  const outputs = Array.isArray(n.wires) ? n.wires.length : 0;
  h = Math.max(30, outputs * 15);
  const x = Number(n.x);
  const y = Number(n.y);
  return { id: n.id, type: n.type, label, z: n.z ?? "", left: x - w / 2, top: y - h / 2, right: x + w / 2, bottom: y + h / 2 };
}

/** nodes drawn on a canvas: they have a position and belong to a tab or subflow (config nodes do not) */
export function drawn(flow: FlowNode[]): FlowNode[] {
  return flow.filter((n) => typeof n.x === "number" && typeof n.y === "number" && typeof n.z === "string" && n.type !== "tab" && n.type !== "subflow");
}

/** ports stick out 5 px on each side, and boxes closer than this look touching */
export const CLEARANCE = 10;

export function overlaps(a: Box, b: Box, clearance = CLEARANCE): boolean {
  return a.left < b.right + clearance && b.left < a.right + clearance && a.top < b.bottom + clearance && b.top < a.bottom + clearance;
}

export function describe(b: Box): string {
  return `${b.id} (${b.type} "${b.label}", x ${b.left}..${b.right}, y ${b.top}..${b.bottom})`;
}

export function readFlowFile(file: string): FlowNode[] {
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  if (!Array.isArray(json)) throw new Error(`${file}: not a flow (an array of nodes)`);
  return json as FlowNode[];
}
