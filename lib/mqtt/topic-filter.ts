/**
 * MQTT topic names and filters (MQTT 3.1.1 §4.7): `+` matches one level, `#` the rest (including none), and a
 * filter starting with a wildcard does not match topics starting with `$` (broker-internal topics).
 */

export function isValidTopic(topic: string): boolean {
  return topic.length > 0 && Buffer.byteLength(topic) <= 65535 && !/[+#]/.test(topic) && !topic.includes("\u0000");
}

export function isValidFilter(filter: string): boolean {
  if (filter.length === 0 || Buffer.byteLength(filter) > 65535 || filter.includes("\u0000")) return false;
  const levels = filter.split("/");
  return levels.every((level, i) => {
    if (level.includes("#")) return level === "#" && i === levels.length - 1;
    if (level.includes("+")) return level === "+";
    return true;
  });
}

/** Does `topic` (a concrete name) match `filter`? */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * Does `allowed` cover every topic that `requested` could match? Used for subscribe ACLs: a client allowed
 * `edge/+/telemetry` may subscribe to `edge/s1/telemetry` but not to `edge/#`.
 */
export function filterCovers(allowed: string, requested: string): boolean {
  // a wildcard-led allowance never reaches `$` (broker-internal) topics
  if (/^[+#]/.test(allowed) && requested.startsWith("$")) return false;
  const a = allowed.split("/");
  const r = requested.split("/");
  for (let i = 0; i < a.length; i++) {
    if (a[i] === "#") return true;
    if (i >= r.length) return false;
    if (r[i] === "#") return false;
    if (a[i] === "+") continue;
    if (r[i] === "+" || a[i] !== r[i]) return false;
  }
  return a.length === r.length;
}
