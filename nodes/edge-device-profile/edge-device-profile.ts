/** edge-device-profile: an EdgeX device profile (YAML or JSON, pasted, from a file, or bundled), validated on deploy. */
import * as fs from "fs";
import * as path from "path";
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import type { DeviceProfileNode } from "../_shared/device-profile";
import { parseProfile, ProfileError } from "../../lib/ingest/profile";

interface EdgeDeviceProfileDef extends NodeDef {
  source: "text" | "file" | "builtin";
  profile: string;
  file: string;
  builtin: string;
}

const BUILTIN_DIR = path.resolve(__dirname, "../../lib/ingest/profiles");

export = function register(RED: NodeAPI): void {
  function EdgeDeviceProfileNode(this: Node, config: EdgeDeviceProfileDef) {
    RED.nodes.createNode(this, config);
    const node = this as DeviceProfileNode;
    node.problems = [];
    try {
      let text = config.profile ?? "";
      if (config.source === "file") text = fs.readFileSync(path.resolve(RED.settings.userDir ?? process.cwd(), config.file), "utf8");
      else if (config.source === "builtin") {
        if (!/^[\w-]+$/.test(config.builtin ?? "")) throw new ProfileError([`'${config.builtin}' is not a bundled profile`]);
        text = fs.readFileSync(path.join(BUILTIN_DIR, `${config.builtin}.yaml`), "utf8");
      }
      node.profile = parseProfile(text);
    } catch (err) {
      node.profile = undefined;
      node.problems = err instanceof ProfileError ? err.problems : [errorText(err)];
      node.error(RED._("edge-device-profile.errors.invalid", { name: config.name || config.id, problems: node.problems.join("; ") }));
    }
  }

  RED.nodes.registerType("edge-device-profile", EdgeDeviceProfileNode);
};
