/** edge-device-profile: an EdgeX device profile (YAML or JSON, pasted, from a file, or bundled), validated on deploy. */
import * as fs from "fs";
import * as path from "path";
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import type { DeviceProfileNode } from "../_shared/device-profile";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { parseProfile, ProfileError } from "../../lib/ingest/profile";

const BUILTIN_DIR = path.resolve(__dirname, "../../lib/ingest/profiles");

export = function register(RED: NodeAPI): void {
  function EdgeDeviceProfileNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this as DeviceProfileNode;
    node.profile = undefined;
    node.problems = [];
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) {
      // said by readSettings; the nodes that use this profile show why
      node.problems = [settingsProblem(def)];
      return;
    }
    try {
      let text = config.profile;
      if (config.source === "file") text = fs.readFileSync(path.resolve(RED.settings.userDir ?? process.cwd(), config.file), "utf8");
      else if (config.source === "builtin") {
        if (!config.builtin) throw new ProfileError([RED._("edge-device-profile.errors.no-builtin")]);
        text = fs.readFileSync(path.join(BUILTIN_DIR, `${config.builtin}.yaml`), "utf8");
      }
      node.profile = parseProfile(text);
    } catch (err) {
      node.problems = err instanceof ProfileError ? err.problems : [errorText(err)];
      node.error(RED._("edge-device-profile.errors.invalid", { name: config.name || def.id, problems: node.problems.join("; ") }));
    }
  }

  RED.nodes.registerType("edge-device-profile", EdgeDeviceProfileNode);
};

function settingsProblem(def: NodeDef): string {
  try {
    settingsModule.parseSettings(def as unknown as Record<string, unknown>);
    return "";
  } catch (err) {
    return errorText(err);
  }
}
