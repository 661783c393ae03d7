/** Custom operators (builtin code CUSTOM) by their custom_code name. */
import { fail, type PrepareKernel } from "../kernel";
import { prepareDetectionPostProcess } from "./detection-postprocess";

export const CUSTOM_KERNELS = new Map<string, PrepareKernel>([["TFLite_Detection_PostProcess", prepareDetectionPostProcess]]);

export const prepareCustom: PrepareKernel = (ctx) => {
  const kernel = CUSTOM_KERNELS.get(ctx.op.customCode ?? "");
  if (!kernel) fail(ctx, `unsupported custom operator "${ctx.op.customCode ?? ""}" (supported: ${[...CUSTOM_KERNELS.keys()].join(", ")})`);
  return kernel(ctx);
};
