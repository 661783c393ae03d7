/**
 * A list of entries (users, devices) whose secrets live in one `password` credential as a JSON map keyed by the
 * entry's id. Node-RED never sends a password credential back to the editor, so the editor cannot send the whole
 * map again: it sends only what the user changed (edits), and the runtime folds those into the stored map.
 *
 * An edit per id: fields given replace the stored ones, fields left out keep them; `from` names the id the entry
 * had before a rename, whose secrets it keeps. Entries whose id is no longer listed are dropped.
 */
export type SecretFields = Record<string, string>;
export type SecretEdit = Partial<Record<string, string>> & { from?: string };

export class SecretMapError extends Error {}

/** Parses a stored map or an edit list; blank is empty. Names `what` in the error so the user knows which one. */
export function parseSecretMap<T extends object>(text: string | undefined, what: string): Record<string, T> {
  if (text === undefined || !text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SecretMapError(`${what} is not valid JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new SecretMapError(`${what} is not a JSON object`);
  for (const [id, entry] of Object.entries(value)) {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new SecretMapError(`${what}: the entry for "${id}" is not an object`);
    for (const [field, v] of Object.entries(entry)) {
      if (typeof v !== "string") throw new SecretMapError(`${what}: "${id}".${field} is not a string`);
    }
  }
  return value as Record<string, T>;
}

/**
 * The stored map after the editor's edits, for the ids listed now (all stored and edited ids when `listed` is
 * undefined: a flow from before the list existed). Blank fields in an edit mean "unchanged", as the editor's
 * password fields do.
 */
export function mergeSecretMap(stored: Record<string, SecretFields>, edits: Record<string, SecretEdit>, listed: string[] | undefined): Record<string, SecretFields> {
  const ids = listed ?? [...new Set([...Object.keys(stored), ...Object.keys(edits)])];
  const merged: Array<[string, SecretFields]> = [];
  for (const id of ids) {
    const edit = own(edits, id) ?? {};
    const base = (edit.from !== undefined ? own(stored, edit.from) : undefined) ?? own(stored, id) ?? {};
    const entry: SecretFields = { ...base };
    for (const [field, value] of Object.entries(edit)) {
      if (field !== "from" && typeof value === "string" && value !== "") entry[field] = value;
    }
    if (Object.keys(entry).length > 0) merged.push([id, entry]);
  }
  // fromEntries defines own properties: an id such as "__proto__" stays an ordinary key
  return Object.fromEntries(merged);
}

function own<T>(map: Record<string, T>, id: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, id) ? map[id] : undefined;
}
