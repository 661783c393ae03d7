/** The settings of a Node-RED embedded in a benchmark's child process: no editor, no HTTP nodes, quiet. */
import * as path from "path";

export function embeddedSettings(userDir: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userDir,
    flowFile: path.join(userDir, "flows.json"),
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: "bench",
    logging: { console: { level: "warn" } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false },
    ...extra,
  };
}
