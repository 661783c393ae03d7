/**
 * The edit dialog's rows, declared in each node's form.ts and rendered to the `data-template-name` HTML at build
 * time. Every row follows one skeleton (`form-row`, a label from `<type>.label.<field>`, the `node-input-<field>`
 * element Node-RED fills and saves), so a node lists what it asks for and nothing else. Plain string building:
 * runs in the build (Node.js), never in the browser.
 */

export interface Row {
  html(type: string): string;
}

interface FieldOptions {
  /** Font Awesome 4 icon name, without `fa-` */
  icon?: string;
  /** a literal placeholder */
  placeholder?: string;
  /** take the placeholder from `<type>.placeholder.<field>` */
  placeholderKey?: boolean;
  /** the input's width in CSS (`80px`), for short values */
  width?: string;
  /** the label's i18n key when it is not `<type>.label.<field>` */
  label?: string;
  /** extra classes on the row, for rows shown or hidden together */
  rowClass?: string;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function labelHtml(type: string, field: string, o: FieldOptions, inline = false): string {
  const key = o.label ?? `${type}.label.${field}`;
  const icon = o.icon ? `<i class="fa fa-${o.icon}"></i> ` : "";
  const style = inline ? ' style="margin-left: 10px; width: auto"' : "";
  return `<label for="node-input-${field}"${style}>${icon}<span data-i18n="${escape(key)}"></span></label>`;
}

function placeholderAttr(type: string, field: string, o: FieldOptions): string {
  if (o.placeholderKey) return ` data-i18n="[placeholder]${type}.placeholder.${field}"`;
  return o.placeholder !== undefined ? ` placeholder="${escape(o.placeholder)}"` : "";
}

function styleAttr(o: FieldOptions): string {
  return o.width ? ` style="width: ${o.width}"` : "";
}

function row(o: FieldOptions, inner: string): string {
  return `  <div class="form-row${o.rowClass ? " " + o.rowClass : ""}">\n    ${inner}\n  </div>`;
}

function inputHtml(type: string, field: string, o: FieldOptions, kind = "text"): string {
  return `<input type="${kind}" id="node-input-${field}"${placeholderAttr(type, field, o)}${styleAttr(o)}>`;
}

/** a text (or number-as-text) field */
export function field(name: string, o: FieldOptions = {}): Row {
  return { html: (type) => row(o, `${labelHtml(type, name, o)}\n    ${inputHtml(type, name, o)}`) };
}

/** two short fields on one row, the second's label inline */
export function pair(first: string, second: string, o: { first?: FieldOptions; second?: FieldOptions; rowClass?: string } = {}): Row {
  const a = o.first ?? {};
  const b = o.second ?? {};
  return {
    html: (type) =>
      row({ rowClass: o.rowClass }, `${labelHtml(type, first, a)}\n    ${inputHtml(type, first, a)}\n    ${labelHtml(type, second, b, true)}\n    ${inputHtml(type, second, b)}`),
  };
}

export interface Option {
  value: string;
  /** a literal label (shown as is, e.g. "gzip" or "0..1"); otherwise `<type>.<field>.<value>` */
  text?: string;
  /** the label's i18n key when it is not `<type>.<field>.<value>` */
  key?: string;
}

/** a select of fixed options */
export function select(name: string, options: ReadonlyArray<string | Option>, o: FieldOptions = {}): Row {
  return {
    html: (type) => {
      const opts = options
        .map((x) => (typeof x === "string" ? { value: x } : x))
        .map((x) =>
          x.text !== undefined
            ? `      <option value="${escape(x.value)}">${escape(x.text)}</option>`
            : `      <option value="${escape(x.value)}" data-i18n="${escape(x.key ?? `${type}.${name}.${x.value}`)}"></option>`,
        )
        .join("\n");
      return row(o, `${labelHtml(type, name, o)}\n    <select id="node-input-${name}"${styleAttr(o)}>\n${opts}\n    </select>`);
    },
  };
}

/** a checkbox with its label beside it */
export function checkbox(name: string, o: FieldOptions = {}): Row {
  const key = (type: string) => o.label ?? `${type}.label.${name}`;
  return {
    html: (type) =>
      row(
        o,
        `<input type="checkbox" id="node-input-${name}" style="display: inline-block; width: auto; vertical-align: top;">\n    <label for="node-input-${name}" style="width: auto">${o.icon ? `<i class="fa fa-${o.icon}"></i> ` : ""}<span data-i18n="${escape(key(type))}"></span></label>`,
      ),
  };
}

/** a value that may come from msg, flow, global or env: a text input made a typedInput by the editor, with `<name>Type` beside it */
export function typed(name: string, o: FieldOptions = {}): Row {
  return {
    html: (type) =>
      row(o, `${labelHtml(type, name, o)}\n    ${inputHtml(type, name, { ...o, width: o.width ?? "70%" })}\n    <input type="hidden" id="node-input-${name}Type">`),
  };
}

/** a config node: Node-RED turns the input into its select and edit button */
export function config(name: string, o: FieldOptions = {}): Row {
  return field(name, { icon: "server", ...o });
}

/** a credential of type password (never sent back to the editor) or text */
export function credential(name: string, o: FieldOptions & { password?: boolean } = {}): Row {
  return { html: (type) => row(o, `${labelHtml(type, name, o)}\n    ${inputHtml(type, name, o, o.password === false ? "text" : "password")}`) };
}

/** a multi-line text, for YAML or JSON the node parses */
export function textarea(name: string, o: FieldOptions & { rows?: number } = {}): Row {
  return {
    html: (type) =>
      `${row({ rowClass: o.rowClass }, labelHtml(type, name, o))}\n  <div class="form-row${o.rowClass ? " " + o.rowClass : ""}">\n    <textarea id="node-input-${name}" rows="${o.rows ?? 6}" style="width: 100%; font-family: monospace"${placeholderAttr(type, name, o)}></textarea>\n  </div>`,
  };
}

/**
 * the container (`node-input-<name>-container`) of an editableList the editor code fills and saves in oneditsave;
 * a label row above it only when `label` is given (a list usually says what it holds in its header)
 */
export function editableList(name: string, o: FieldOptions = {}): Row {
  return {
    html: (type) =>
      `${o.label ? row({ rowClass: o.rowClass }, labelHtml(type, name, o)) + "\n" : ""}  <div class="form-row node-input-${name}-container-row${o.rowClass ? " " + o.rowClass : ""}">\n    <ol id="node-input-${name}-container"></ol>\n  </div>`,
  };
}

/** a note under the rows, from `<type>.<key>` */
export function tip(key: string, o: { rowClass?: string } = {}): Row {
  return { html: (type) => `  <div class="form-tips${o.rowClass ? " " + o.rowClass : ""}"><span data-i18n="${escape(`${type}.${key}`)}"></span></div>` };
}

/** markup a node needs that no row above describes */
export function raw(html: string): Row {
  return { html: () => html };
}

/** the dialog's HTML (the configuration's version is not a field: oneditsave sets it) */
export function renderForm(type: string, rows: readonly Row[]): string {
  return rows.map((r) => r.html(type)).join("\n");
}
