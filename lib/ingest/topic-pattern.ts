/**
 * MQTT-style topic patterns with named wildcards: `+name` matches one level and captures it, `#name` (or `#`)
 * the rest. `edge/+site/+deviceName/#` on `edge/s1/t1/telemetry` gives {site: "s1", deviceName: "t1"}.
 */
export type TopicMatcher = (topic: string) => Record<string, string> | undefined;

export function compileTopicPattern(pattern: string): TopicMatcher {
  const parts = pattern.split("/");
  const hashAt = parts.findIndex((p) => p.startsWith("#"));
  if (hashAt >= 0 && hashAt !== parts.length - 1) throw new Error(`'#' must be the last level of '${pattern}'`);
  return (topic: string) => {
    const levels = topic.split("/");
    const out: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.startsWith("#")) {
        if (p.length > 1) out[p.slice(1)] = levels.slice(i).join("/");
        return out;
      }
      if (i >= levels.length) return undefined;
      if (p.startsWith("+")) {
        if (levels[i] === "") return undefined;
        if (p.length > 1) out[p.slice(1)] = levels[i];
      } else if (p !== levels[i]) return undefined;
    }
    return levels.length === parts.length ? out : undefined;
  };
}
