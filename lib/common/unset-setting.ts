/**
 * A setting taken from the environment that is not there: Node-RED replaces `${NAME}` in a node's settings with the
 * variable's value, and leaves the text as it is when the variable is not set. Such a setting is not a mistake in
 * the flow but a gateway not configured yet, which a node says calmly (a grey status, one line in the log).
 */
export interface UnsetSetting {
  /** the environment variable that is not set, or undefined for a setting left blank */
  variable: string | undefined;
}

/** what is missing when `value` is an environment reference left unreplaced or blank; undefined when it is set */
export function unsetSetting(value: unknown): UnsetSetting | undefined {
  if (value === undefined || value === null) return { variable: undefined };
  const text = String(value).trim();
  if (text === "") return { variable: undefined };
  const ref = /^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$/.exec(text);
  return ref ? { variable: ref[1] } : undefined;
}
