import type { Node } from "./node-red";
import type { DeviceProfile } from "../../lib/ingest/profile";

/** what edge-device-profile offers the nodes that use it */
export interface DeviceProfileNode extends Node {
  /** the parsed profile, or the problems that stop it from parsing */
  profile: DeviceProfile | undefined;
  problems: string[];
}
