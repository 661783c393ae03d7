/**
 * Fills `{path}` placeholders from a message: `{deviceName}` or `{payload.deviceName}` look in msg.payload
 * first, then in msg itself; dotted paths reach nested fields. A missing value leaves the placeholder empty.
 */
export function lookup(source: unknown, dotted: string): unknown {
  let v: unknown = source;
  for (const part of dotted.split(".")) {
    if (v === null || v === undefined || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export function renderTemplate(template: string, msg: Record<string, unknown>): string {
  return template.replace(/\{([\w.$-]+)\}/g, (_, name: string) => {
    const fromPayload = lookup(msg.payload, name);
    const value = fromPayload !== undefined ? fromPayload : lookup(msg, name);
    return value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}
