/**
 * The runtime half of a list whose secrets are one `password` credential holding a JSON map (see
 * lib/common/secret-map.ts): folds the editor's edits (a second `password` credential) into the stored map and
 * writes the result back to Node-RED's credential store, so the next deploy's edits apply to it.
 *
 * The write-back reaches flows_cred.json with the next deploy; until then the file holds the old map and the same
 * edits, and folding them again on a restart gives the same map.
 */
import type { Node, NodeAPI } from "./node-red";
import { mergeSecretMap, parseSecretMap, SecretEdit, SecretFields } from "../../lib/common/secret-map";

export interface SecretListOptions {
  /** the credential that holds the whole map */
  storedKey: string;
  /** the credential the editor sends its edits in */
  editsKey: string;
  /** ids listed in the node's config; undefined for a flow saved before the list existed */
  listed: string[] | undefined;
  /** entries from an older credential format, under the stored map; `legacyKey` is dropped on write-back */
  legacy?: { key: string; entries: Record<string, SecretFields> };
  /** ids as the list spells them (e.g. DevEUIs upper case): applied to stored and edited ids */
  normalizeId?: (id: string) => string;
}

function rekeyed<T extends object>(map: Record<string, T>, normalize: ((id: string) => string) | undefined): Record<string, T> {
  if (!normalize) return map;
  return Object.fromEntries(
    Object.entries(map).map(([id, entry]) => {
      const from = (entry as { from?: unknown }).from;
      return [normalize(id), typeof from === "string" ? { ...entry, from: normalize(from) } : entry];
    }),
  );
}

export function foldSecretEdits(RED: NodeAPI, node: Node, options: SecretListOptions): Record<string, SecretFields> {
  const credentials = (node.credentials ?? {}) as Record<string, string | undefined>;
  const norm = options.normalizeId;
  const stored = rekeyed({ ...options.legacy?.entries, ...parseSecretMap<SecretFields>(credentials[options.storedKey], options.storedKey) }, norm);
  const editsText = credentials[options.editsKey];
  const edits = rekeyed(parseSecretMap<SecretEdit>(editsText, options.editsKey), norm);
  const merged = mergeSecretMap(stored, edits, options.listed);
  const mergedText = JSON.stringify(merged);
  const hasLegacy = options.legacy !== undefined && credentials[options.legacy.key] !== undefined;
  if (editsText !== undefined || hasLegacy || (credentials[options.storedKey] ?? "{}") !== mergedText) {
    const next: Record<string, string | undefined> = { ...(RED.nodes.getCredentials(node.id) as Record<string, string> | undefined), [options.storedKey]: mergedText };
    delete next[options.editsKey];
    if (options.legacy) delete next[options.legacy.key];
    // the node's own view follows the store, so a second read in this instance sees one format
    RED.nodes.addCredentials(node.id, next).catch(() => undefined);
    node.credentials = next;
  }
  return merged;
}
