/**
 * One-operator models for the operator bench: the operator differential test's case makers (test/tflite/*-groups.ts)
 * drawn with their dimensions scaled up, since the differential cases are tiny and a tiny model measures only the
 * fixed cost of a call; for each operator and dtype the candidate whose largest tensor is nearest a realistic size.
 */
import { BuiltinOperator, TensorType } from "../../lib/tflite/schema";
import { CaseMaker, rng, type OperatorCase } from "../../test/tflite/operator-cases";
import { OPERATOR_GROUPS } from "../../test/tflite/operator-groups";

/**
 * A case maker whose dimension draws reach `scale` times further: the draws of a case maker that look like a
 * dimension (from 1 or 2 up to between 5 and 40) take the upper half of the stretched range; kernel sizes, strides,
 * counts, axes, indices and quantization parameters (other bounds) are drawn as before.
 */
export class ScaledCaseMaker extends CaseMaker {
  constructor(next: () => number, readonly scale: number) {
    super(next);
  }

  override int(lo: number, hi: number): number {
    if (this.scale === 1 || lo < 1 || lo > 2 || hi < 5 || hi > 40) return super.int(lo, hi);
    const top = Math.round(hi * this.scale);
    return super.int(Math.max(lo, Math.ceil(top / 2)), top);
  }
}

const SCALES = [1, 1.5, 2, 3, 4, 6, 8];
/** the largest tensor of a chosen model: as near this many elements as a candidate comes, at most MAX_ELEMENTS */
const TARGET_ELEMENTS = 8192;
const MAX_ELEMENTS = 65536;
const MIN_ELEMENTS = 1024;

const OPERATOR_NAMES = new Map(Object.entries(BuiltinOperator).map(([name, code]) => [code as number, name]));
/** elementwise arithmetic: broadcasting has a row of its own */
const BROADCASTING = new Set<number>([BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL, BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM]);
const typeName = (t: number) => TensorType[t].toLowerCase();
const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** What a model stands for: the operator, its activation dtypes, weights of another dtype, broadcasting. */
export function caseKey(c: OperatorCase): { family: string; key: string } {
  const family = OPERATOR_NAMES.get(c.builtin) ?? `builtin ${c.builtin}`;
  const variable = c.inputs.filter((o): o is NonNullable<typeof o> => !!o && !o.values);
  const ins = [...new Set(variable.map((o) => typeName(o.type)))];
  const outs = [...new Set(c.outputs.map((o) => typeName(o.type)))];
  const weights = [...new Set(c.inputs.filter((o) => !!o && !!o.values && o.type !== TensorType.INT32 && o.type !== TensorType.INT64).map((o) => typeName(o!.type)))].filter((t) => !ins.includes(t));
  // CAST: one model per source dtype; comparisons and the rest: per input dtype, the output's when it differs
  const dtypes = c.builtin === BuiltinOperator.CAST ? `${ins.join("/")} → other dtypes` : `${ins.join("/")}${outs.join("/") === ins.join("/") || outs.join() === "bool" ? "" : ` → ${outs.join("/")}`}`;
  const broadcast = BROADCASTING.has(c.builtin) && variable.length >= 2 && variable.some((o) => o.shape.join() !== variable[0].shape.join()) && variable.every((o) => o.type === variable[0].type) ? " broadcast" : "";
  return { family, key: `${family} ${dtypes}${weights.length ? ` (${weights.join("/")} weights)` : ""}${broadcast}` };
}

export interface Candidate {
  key: string;
  scale: number;
  family: string;
  size: number;
  case: OperatorCase;
  /** the model when it is more than `case`'s one operator can say (a variable state) */
  model?: Uint8Array;
}

/**
 * Every case of every group at every scale, grouped by key, each group ordered from the best-sized candidate on
 * and cut to its first `keep` (the rest, with their weights, would only weigh on the heap while the bench runs).
 */
export function candidatesByKey(keep = 6): Map<string, Candidate[]> {
  const byKey = new Map<string, Candidate[]>();
  for (const group of OPERATOR_GROUPS) {
    for (const scale of SCALES) {
      const make = new ScaledCaseMaker(rng(group.seed), scale);
      for (let k = 0; k < group.cases; k++) {
        let cases: OperatorCase[];
        try {
          cases = group.make(make, k);
        } catch {
          continue; // a draw the group's arithmetic does not allow at this scale
        }
        for (const c of cases) {
          // weights count: a fully connected layer's activations are small beside them
          const size = Math.max(...c.inputs.filter((o) => !!o && o.type !== TensorType.INT32 && o.type !== TensorType.INT64).map((o) => elements(o!.shape)), ...c.outputs.map((o) => elements(o.shape)));
          if (size > MAX_ELEMENTS) continue;
          const { key, family } = caseKey(c);
          const list = byKey.get(key) ?? [];
          list.push({ key, family, scale, size, case: c });
          byKey.set(key, list);
        }
      }
    }
  }
  const distance = (c: Candidate) => Math.abs(Math.log(Math.max(c.size, 1) / TARGET_ELEMENTS));
  for (const [key, list] of byKey) {
    const kept = list.sort((a, b) => distance(a) - distance(b)).slice(0, keep);
    // the best unscaled draw last: valid as the differential test draws it, when every scaled one breaks the case's
    // own constraints (a SLICE's size drawn past its input)
    const unscaled = list.find((c) => c.scale === 1);
    if (unscaled && !kept.includes(unscaled)) kept.push(unscaled);
    byKey.set(key, kept);
  }
  return byKey;
}

export const isSmall = (c: Candidate) => c.size < MIN_ELEMENTS;
