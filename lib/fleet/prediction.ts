/**
 * A prediction as edge-tflite writes it: classify `{label, confidence, scores}` or anomaly `{score, threshold,
 * anomaly}`, with `msg.inference.model`. The score watched for drift is the confidence (classify) or the anomaly
 * score; the label is the class, or "anomaly"/"normal".
 */
export interface Prediction {
  score: number;
  label: string;
  /** classify only: how sure the model is of its label */
  confidence?: number;
}

export function predictionOf(payload: unknown): Prediction | undefined {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return undefined;
  const p = payload as Record<string, unknown>;
  if (typeof p.confidence === "number" && Number.isFinite(p.confidence)) {
    return { score: p.confidence, confidence: p.confidence, label: typeof p.label === "string" ? p.label : String(p.index ?? "") };
  }
  if (typeof p.score === "number" && Number.isFinite(p.score)) return { score: p.score, label: p.anomaly === true ? "anomaly" : "normal" };
  return undefined;
}
