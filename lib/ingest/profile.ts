/**
 * Reads an EdgeX device profile (YAML or JSON), checks it against the profile schema and reports problems
 * as "where: what", so the user can find them in the node's status and log.
 */
import Ajv from "ajv";
import * as yaml from "js-yaml";
import { deviceProfileSchema } from "./profile-schema";
import type { ValueType } from "./event";

export interface ResourceProperties {
  valueType: ValueType;
  readWrite?: string;
  units?: string;
  minimum?: number;
  maximum?: number;
  defaultValue?: unknown;
  scale?: number;
  offset?: number;
  base?: number;
  mask?: number;
  shift?: number;
}

export interface DeviceResource {
  name: string;
  description?: string;
  attributes: { path?: string; expression?: string; senmlName?: string; rawUnits?: string; [k: string]: unknown };
  properties: ResourceProperties;
}

export interface DeviceProfile {
  name: string;
  manufacturer?: string;
  model?: string;
  labels: string[];
  deviceResources: DeviceResource[];
}

export class ProfileError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid device profile: ${problems.join("; ")}`);
  }
}

const validate = new Ajv({ allErrors: true, strict: false }).compile(deviceProfileSchema);
const NUMERIC = ["minimum", "maximum", "scale", "offset", "base", "mask", "shift"] as const;

export function parseProfile(text: string): DeviceProfile {
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (err) {
    throw new ProfileError([`not YAML or JSON: ${(err as Error).message.split("\n")[0]}`]);
  }
  if (!validate(doc)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as string[]).join(", ")})` : ""}`);
    throw new ProfileError([...new Set(problems)]);
  }
  const raw = doc as { name: string; manufacturer?: string; model?: string; labels?: string[]; deviceResources: Array<Record<string, unknown>> };
  const names = new Set<string>();
  const problems: string[] = [];
  const deviceResources = raw.deviceResources.map((r, i) => {
    const name = r.name as string;
    if (names.has(name)) problems.push(`/deviceResources/${i}/name: '${name}' is defined twice`);
    names.add(name);
    const props = { ...(r.properties as Record<string, unknown>) };
    for (const k of NUMERIC) if (props[k] !== undefined) props[k] = Number(props[k]);
    const attributes = (r.attributes ?? {}) as DeviceResource["attributes"];
    if (attributes.path && attributes.expression) problems.push(`/deviceResources/${i}/attributes: give path or expression, not both`);
    return { name, description: r.description as string | undefined, attributes, properties: props as unknown as ResourceProperties };
  });
  if (problems.length) throw new ProfileError(problems);
  return { name: raw.name, manufacturer: raw.manufacturer, model: raw.model, labels: raw.labels ?? [], deviceResources };
}
