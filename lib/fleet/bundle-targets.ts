/**
 * Whether a bundle is for this gateway: each target list the manifest names (gateways, groups, device classes)
 * must share at least one entry with the gateway's own; a list the manifest leaves out or empty matches any
 * gateway. So {groups: ["canary"]} reaches the canary group only, {deviceClasses: ["reefer"]} only gateways that
 * serve reefers.
 */
import type { BundleTargets } from "./bundle-format";

export interface GatewayIdentity {
  gatewayId: string;
  groups: string[];
  deviceClasses: string[];
}

/** why the bundle is not for this gateway, or undefined when it is */
export function targetMismatch(targets: BundleTargets, gw: GatewayIdentity): string | undefined {
  const checks: Array<[string, string[] | undefined, string[]]> = [
    ["gateways", targets.gateways, [gw.gatewayId]],
    ["groups", targets.groups, gw.groups],
    ["device classes", targets.deviceClasses, gw.deviceClasses],
  ];
  for (const [what, wanted, ours] of checks) {
    if (!wanted || wanted.length === 0) continue;
    if (!wanted.some((w) => ours.includes(w))) {
      return `the bundle targets ${what} ${wanted.join(", ")}; this gateway (${gw.gatewayId}) has ${ours.length ? ours.join(", ") : "none"}`;
    }
  }
  return undefined;
}

/** a comma- or space-separated setting as a list */
export function listSetting(text: unknown): string[] {
  return typeof text === "string" ? text.split(/[\s,]+/).filter((s) => s.length > 0) : [];
}
