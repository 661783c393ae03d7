/**
 * Where a model or labels file named in a node's settings is: `builtin:NAME` is one of the models shipped
 * with the pack (lib/models), so example flows work wherever the pack is installed; a relative path is
 * relative to Node-RED's user directory, like the core file nodes' paths.
 */
import * as path from "path";

export const BUNDLED_MODELS_DIR = path.resolve(__dirname, "../models");

export function resolveModelPath(setting: string, userDir: string): string {
  if (setting.startsWith("builtin:")) {
    const name = setting.slice("builtin:".length);
    if (!name || name !== path.basename(name)) throw new Error(`'${setting}' does not name a bundled model`);
    return path.join(BUNDLED_MODELS_DIR, name);
  }
  return path.isAbsolute(setting) ? setting : path.resolve(userDir, setting);
}
