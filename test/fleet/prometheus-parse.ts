/**
 * A strict reader of the Prometheus text format (0.0.4) for the tests: every line must be a HELP or TYPE comment
 * or a sample of the family its TYPE announced (histograms: _bucket with le, _sum, _count), label values with
 * their escapes, values numbers. Throws naming the line that breaks a rule.
 */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Parsed {
  types: Record<string, string>;
  help: Record<string, string>;
  samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(text.slice(i));
    if (!m) throw new Error(`bad label at ${i} in: ${line}`);
    i += m[0].length;
    let value = "";
    for (;;) {
      if (i >= text.length) throw new Error(`unterminated label value in: ${line}`);
      const c = text[i++];
      if (c === '"') break;
      if (c === "\\") {
        const e = text[i++];
        if (e === "n") value += "\n";
        else if (e === "\\" || e === '"') value += e;
        else throw new Error(`bad escape \\${e} in: ${line}`);
      } else value += c;
    }
    if (m[1] in labels) throw new Error(`label ${m[1]} twice in: ${line}`);
    labels[m[1]] = value;
    if (text[i] === ",") i++;
    else if (i < text.length) throw new Error(`expected , after a label in: ${line}`);
  }
  return labels;
}

export function parsePrometheus(text: string): Parsed {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const parsed: Parsed = { types: {}, help: {}, samples: [] };
  let family: string | undefined;
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("# HELP ")) {
      const [name, ...rest] = line.slice(7).split(" ");
      parsed.help[name] = rest.join(" ");
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const [name, type] = line.slice(7).split(" ");
      if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(type)) throw new Error(`bad type in: ${line}`);
      if (name in parsed.types) throw new Error(`${name} typed twice`);
      parsed.types[name] = type;
      family = name;
      continue;
    }
    if (line.startsWith("#") || line === "") throw new Error(`unexpected line: ${JSON.stringify(line)}`);
    const nm = NAME.exec(line);
    if (!nm) throw new Error(`no metric name in: ${line}`);
    const name = nm[0];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) {
      const close = rest.lastIndexOf("}");
      labels = parseLabels(rest.slice(1, close), line);
      rest = rest.slice(close + 1);
    }
    const value = rest.trim();
    if (!/^ \S+$/.test(rest) || !(/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value) || ["NaN", "+Inf", "-Inf"].includes(value))) throw new Error(`bad value in: ${line}`);
    const type = family ? parsed.types[family] : undefined;
    const allowed = type === "histogram" ? [`${family}_bucket`, `${family}_sum`, `${family}_count`] : [family];
    if (!allowed.includes(name)) throw new Error(`${name} is not of the family ${family}: ${line}`);
    if (name.endsWith("_bucket") && !("le" in labels)) throw new Error(`a bucket without le: ${line}`);
    parsed.samples.push({ name, labels, value: value === "+Inf" ? Infinity : value === "-Inf" ? -Infinity : Number(value) });
  }
  return parsed;
}

/** the one sample of that name whose labels include these; throws when there is none or several */
export function sample(p: Parsed, name: string, labels: Record<string, string> = {}): number {
  const found = p.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`${found.length} samples ${name}${JSON.stringify(labels)}`);
  return found[0].value;
}
