/**
 * The gateway's id of edge-bundle and edge-metrics: typed, or an environment variable's value (the typed input's
 * `env`, or `${NAME}` in the text), read when the node starts. Blank is this machine's host name; so is a variable
 * that is not set, which is said once as a warning (the id is how the centre addresses this gateway).
 */
import * as os from "os";
import type { NodeAPI, Node, Msg } from "./node-red";
import { unsetSetting } from "../../lib/common/unset-setting";

export function gatewayIdOf(RED: NodeAPI, node: Node, value: string, type: string, warnKey: string): string {
  const raw = type === "env" ? RED.util.evaluateNodeProperty(value, "env", node, {} as Msg) : value;
  const text = raw === undefined || raw === null ? "" : String(raw).trim();
  const unset = type === "env" && text === "" ? value : unsetSetting(text)?.variable;
  if (unset) node.warn(RED._(warnKey, { name: unset, host: os.hostname() }));
  return unset || text === "" ? os.hostname() : text;
}
