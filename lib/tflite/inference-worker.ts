/**
 * Worker thread body: holds one Interpreter and runs it on request, so inference never blocks the flow's
 * event loop. Messages: {id, cmd: "load", model, keepState, arithmetic} and {id, cmd: "run", inputs}.
 */
import { parentPort } from "worker_threads";
import { Interpreter } from "./interpreter";
import { TensorType } from "./schema";

let interpreter: Interpreter | undefined;

interface Request {
  id: number;
  cmd: "load" | "run";
  model?: Uint8Array;
  keepState?: boolean;
  arithmetic?: "reference" | "xnnpack";
  inputs?: ArrayLike<number>[];
}

function handle(msg: Request): { result: unknown; transfer: ArrayBuffer[] } {
  if (msg.cmd === "load") {
    interpreter = new Interpreter(msg.model!, { keepState: msg.keepState, arithmetic: msg.arithmetic });
    return { result: null, transfer: [] };
  }
  if (!interpreter) throw new Error("no model loaded");
  const it = interpreter;
  const inputs = msg.inputs ?? [];
  if (inputs.length !== it.inputs.length) throw new Error(`model has ${it.inputs.length} input tensor(s), got ${inputs.length}`);
  inputs.forEach((values, i) => {
    const t = it.inputs[i];
    if (values.length !== t.size) throw new Error(`input ${i} ("${t.name}") needs ${t.size} elements [${t.shape}], got ${values.length}`);
    if (t.type === TensorType.INT64) (t.data as BigInt64Array).set(Array.from(values, (v) => BigInt(Math.trunc(v))));
    else (t.data as Float32Array).set(values);
  });
  const start = performance.now();
  it.invoke();
  const ms = performance.now() - start;
  // each output is copied once out of the arena into a buffer of its own, which is then moved, not cloned again
  const outputs = it.outputs.map((t) => ({ name: t.name, dtype: t.typeName.toLowerCase(), shape: [...t.shape], data: t.data.slice(), scale: t.scale, zeroPoint: t.zeroPoint }));
  return { result: { ms, outputs }, transfer: outputs.map((o) => o.data.buffer as ArrayBuffer) };
}

parentPort?.on("message", (msg: Request) => {
  try {
    const reply = handle(msg);
    parentPort!.postMessage({ id: msg.id, ok: true, result: reply.result }, reply.transfer);
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (err as Error).message });
  }
});
