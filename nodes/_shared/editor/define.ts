/**
 * What every node's editor code shares: the `defaults` made from the node's settings table, the migration of an
 * older configuration when its dialog opens, typed inputs, rows shown for some choices only. Runs in the browser.
 */
import type { ConfigOf, FieldProblem, Table, TypedSource } from "../../../lib/settings/spec";
import { describeProblem } from "../../../lib/settings/spec";
import type { Migration } from "../../../lib/settings/migrate";
import { currentVersion, migrate } from "../../../lib/settings/migrate";

export interface EditorSettings<T extends Table> {
  type: string;
  table: T;
  migrations: readonly Migration[];
}

/** the editor's message for a problem, from _settings.json in the node's catalogue */
function problemText(type: string, p: FieldProblem): string {
  const key = `${EDGE_PACK}/${type}:${type}.settings.${p.code}`;
  const text = RED._(key, { field: p.field, ...(p.params ?? {}) });
  return text && text !== key && !text.endsWith(`.settings.${p.code}`) ? text : describeProblem(p);
}

/** Node-RED's `defaults` for the node: each setting's value, required, config type, and its check as the validator */
export function editorDefaults<T extends Table>(s: EditorSettings<T>): Record<string, EditorPropertyDef> {
  const out: Record<string, EditorPropertyDef> = {};
  for (const [field, setting] of Object.entries(s.table)) {
    const def: EditorPropertyDef = { value: setting.value };
    if (setting.required) def.required = true;
    if (setting.type) {
      def.type = setting.type;
      // Node-RED counts a config node left unset as invalid unless `required` is there and false
      def.required = setting.required === true;
    } else {
      def.validate = function (value: unknown) {
        const problem = setting.check(value);
        return problem ? problemText(s.type, { field, ...problem }) : true;
      };
    }
    out[field] = def;
  }
  return out;
}

/**
 * The dialog's element of `field`: `node-input-<field>`, or `node-config-input-<field>` in a config node's dialog
 * (scripts/build.js names a config node's form fields so, as Node-RED fills and saves them by that id).
 */
function input(field: string): JQuery {
  const el = $(`#node-input-${field}`);
  return el.length ? el : $(`#node-config-input-${field}`);
}

/**
 * Brings an older node's values up to date in the open dialog (the fields Node-RED has filled from the node) and
 * returns the migrated configuration, for the lists and typed inputs the node's own code fills.
 */
export function prepareDialog<T extends Table>(node: EditorNode, s: EditorSettings<T>): ConfigOf<T> {
  const current: Record<string, unknown> = { version: (node as unknown as Record<string, unknown>).version };
  for (const field of Object.keys(s.table)) current[field] = (node as unknown as Record<string, unknown>)[field];
  const migrated = migrate(current, s.migrations);
  if (migrated.applied.length > 0) {
    for (const field of Object.keys(s.table)) {
      const value = migrated.config[field];
      if (value === current[field] || field === "version") continue;
      const el = input(field);
      if (el.attr("type") === "checkbox") el.prop("checked", value === true || value === "true");
      else if (typeof value !== "object") el.val(value === undefined || value === null ? "" : String(value));
    }
  }
  return migrated.config as ConfigOf<T>;
}

/** after the dialog's values are saved: the configuration is now of the current version */
export function saveDialog<T extends Table>(node: EditorNode, s: EditorSettings<T>): void {
  (node as unknown as Record<string, unknown>).version = currentVersion(s.migrations);
}

/** makes `<field>` a typedInput whose type is kept in `<field>Type` */
export function typedInput(field: string, types: readonly TypedSource[]): void {
  const el = input(field);
  el.typedInput({ default: types[0], typeField: `#${el.attr("id")}Type`, types: [...types] });
}

/** shows the rows of class `rows` only while `when` holds for the value of `field` (a select or a checkbox) */
export function showWhen(field: string, rows: string, when: (value: string | boolean) => boolean): void {
  const el = input(field);
  el.on("change", () => {
    const value = el.attr("type") === "checkbox" ? el.is(":checked") : String(el.val() ?? "");
    $(`.${rows}`).toggle(when(value));
  }).trigger("change");
}

/** the label a node shows: its name, else the palette label */
export function nameOr(node: EditorNode & { name?: string }, type: string): string {
  return node.name || node._(`${type}.paletteLabel`);
}

export interface ListField {
  name: string;
  /** CSS width of its input */
  width?: string;
  /** a select of these values instead of a text input */
  options?: readonly string[];
  /** a password input: a secret typed in, never shown (its value is read back like any other) */
  password?: boolean;
  /** a textarea of this many rows (a script), instead of a one-line input */
  rows?: number;
  /** a class on its input, for the node's own code and tests to find it */
  className?: string;
  /** the text shown when the value is blank, when it is not the field's label */
  placeholder?: string;
}

export interface FieldListOptions<T> {
  /** the text above the list */
  header?: string;
  fields: readonly ListField[];
  items: readonly T[];
  /** what a new row holds */
  blank: T;
  /** a field's placeholder and tooltip */
  label(field: string): string;
  /** the text of a select's option */
  optionLabel?(field: string, value: string): string;
  /** the list's height in pixels (else it grows with its rows) */
  height?: number;
  /** after a row is added, for what a row needs beyond its fields (an attribute, a tooltip) */
  added?(row: JQuery, item: T): void;
}

/** an editableList whose rows are a few named fields side by side (suppression sources, bridge rules) */
export function fieldList<T extends object>(container: string, o: FieldListOptions<T>): void {
  const list = $(`#${container}`);
  list.css("min-height", "120px").editableList<T>({
    header: o.header ? $("<div/>").text(o.header) : undefined,
    addItem(row: JQuery, _index: number, item: T) {
      const values = (item && Object.keys(item).length > 0 ? item : o.blank) as Record<string, unknown>;
      const line = $("<div/>", { style: "display: flex; flex-wrap: wrap; gap: 4px; align-items: center;" }).appendTo(row);
      for (const f of o.fields) {
        let input: JQuery;
        if (f.options) {
          input = $("<select/>");
          for (const v of f.options) $("<option/>", { value: v }).text(o.optionLabel ? o.optionLabel(f.name, v) : v).appendTo(input);
        } else if (f.rows) input = $("<textarea/>", { rows: f.rows, placeholder: f.placeholder ?? o.label(f.name) }).css("font-family", "monospace");
        else input = $("<input/>", { type: f.password ? "password" : "text", placeholder: f.placeholder ?? o.label(f.name) });
        if (f.password) input.attr("autocomplete", "new-password");
        if (f.className) input.addClass(f.className);
        const value = values[f.name];
        input
          .css("width", f.width ?? "110px")
          .attr("data-field", f.name)
          .attr("title", o.label(f.name))
          .val(f.password || value === undefined || value === null ? (f.options?.[0] ?? "") : String(value))
          .appendTo(line);
      }
      o.added?.(line, values as T);
    },
    sortable: true,
    removable: true,
    ...(o.height ? { height: o.height } : {}),
  });
  for (const item of o.items) list.editableList("addItem", item);
}

/** the rows of a fieldList, each as { field: text } */
export function readFieldList(container: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  $(`#${container}`)
    .editableList("items")
    .each(function () {
      const item: Record<string, string> = {};
      $(this)
        .find("[data-field]")
        .each(function () {
          item[String($(this).attr("data-field"))] = String($(this).val() ?? "");
        });
      out.push(item);
    });
  return out;
}
