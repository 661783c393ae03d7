/**
 * Rewrites a model's main subgraph outputs to the given tensors, so that a runtime reports every layer's output
 * (for layer-by-layer comparison with tfjs-tflite). The FlatBuffer is left as it is, except for one new outputs
 * vector appended at its end and the subgraph's outputs field pointed at it (FlatBuffer offsets point forward, and
 * the end of the file is after every table).
 */
import { Table } from "../../lib/tflite/flatbuffer-table";
import { F } from "../../lib/tflite/schema";

export function withOutputs(model: Uint8Array, tensors: number[]): Uint8Array {
  const root = Table.root(model);
  const subgraph = root.tables(F.Model.subgraphs)[0];
  const bb = subgraph.bb;
  const fieldAt = bb.__offset(subgraph.pos, 4 + 2 * F.SubGraph.outputs);
  if (!fieldAt) throw new Error("the subgraph has no outputs field to redirect");
  const field = subgraph.pos + fieldAt;
  const start = (model.length + 3) & ~3;
  const out = new Uint8Array(start + 4 + 4 * tensors.length);
  out.set(model);
  const view = new DataView(out.buffer);
  view.setUint32(start, tensors.length, true);
  tensors.forEach((t, i) => view.setInt32(start + 4 + 4 * i, t, true));
  view.setUint32(field, start - field, true);
  return out;
}
