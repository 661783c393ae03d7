/**
 * A copy of a model in which every tensor's quantized_dimension names one of its own axes. TFLite's converter
 * wrote some per-channel biases ([C]) with their filter's dimension (3 for depthwise filters); current TFLite
 * ignores it (a one-axis tensor has only axis 0), but the 2022 TFLite in tfjs-tflite refuses the model
 * ("quantized_dimension must be in range [0, 1). Was 3"). Setting the field to the tensor's last axis changes
 * nothing a runtime computes (ours already reads it so), and lets tfjs-tflite run the integer model itself
 * (person_detect) instead of a float twin. The field is patched in place: same bytes, same layout.
 */
import { Table } from "../../../lib/tflite/flatbuffer-table";
import { F } from "../../../lib/tflite/schema";

export function withLegalQuantizedDimensions(model: Uint8Array): { bytes: Uint8Array; patched: number } {
  const bytes = model.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let patched = 0;
  for (const subgraph of Table.root(bytes).tables(F.Model.subgraphs)) {
    for (const tensor of subgraph.tables(F.SubGraph.tensors)) {
      const q = tensor.table(F.Tensor.quantization);
      if (!q) continue;
      const rank = tensor.int32s(F.Tensor.shape).length;
      const dim = q.int32(F.Quantization.quantized_dimension, 0);
      if (rank === 0 || dim < rank) continue;
      // the field is present (it is not the default 0): rewrite its four bytes
      const at = q.pos + q.bb.__offset(q.pos, 4 + 2 * F.Quantization.quantized_dimension);
      view.setInt32(at, rank - 1, true);
      patched++;
    }
  }
  return { bytes, patched };
}
