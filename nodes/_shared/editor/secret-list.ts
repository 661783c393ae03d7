/**
 * An editable list of names, each with a secret kept in the node's credentials (broker users and their passwords,
 * PSK identities and their keys). Node-RED never sends a stored secret to the editor, so the dialog shows each
 * secret blank and saves only what changed — a new secret, or a rename (`from`), which keeps the stored one — in
 * a hidden credential that the runtime folds into the stored secrets (nodes/_shared/secret-credentials.ts).
 */
import { fieldList, readFieldList } from "./define";

export interface SecretListOptions {
  /** the editableList's container id */
  container: string;
  /** the names of the entries (the field names of a row, and what the edit of a secret is called) */
  nameField: string;
  secretField: string;
  /** classes of the row's two inputs, for the node's tests to find them */
  nameClass: string;
  secretClass: string;
  names: readonly string[];
  /** a field's placeholder: its name, or `unchanged` for the secret of a stored entry */
  placeholder(field: string): string;
}

export function secretList(o: SecretListOptions): void {
  fieldList<Record<string, string>>(o.container, {
    fields: [
      { name: o.nameField, width: "40%", className: o.nameClass },
      { name: o.secretField, width: "50%", className: o.secretClass, password: true },
    ],
    items: o.names.map((name) => ({ [o.nameField]: name, [o.secretField]: "" })),
    blank: { [o.nameField]: "", [o.secretField]: "" },
    label: (f) => o.placeholder(f),
    height: 150,
    added(row, entry) {
      // the name this row had when the dialog opened, so a rename keeps its secret
      row.find(`.${o.nameClass}`).attr("data-original", entry[o.nameField] || "");
      if (entry[o.nameField]) row.find(`.${o.secretClass}`).attr("placeholder", o.placeholder("unchanged"));
    },
  });
}

/** the list's names (blank and repeated ones left out) and the edits to save: `{name: {from?, <secretField>?}}` */
export function readSecretList(o: Pick<SecretListOptions, "container" | "nameField" | "secretField" | "nameClass">): { names: string[]; edits: Record<string, Record<string, string>> } {
  const originals: string[] = [];
  $(`#${o.container}`)
    .editableList("items")
    .each(function () {
      originals.push(String($(this).find(`.${o.nameClass}`).attr("data-original") ?? ""));
    });
  const names: string[] = [];
  const edits: Record<string, Record<string, string>> = {};
  readFieldList(o.container).forEach((r, i) => {
    const name = (r[o.nameField] ?? "").trim();
    if (!name || names.includes(name)) return;
    names.push(name);
    const edit: Record<string, string> = {};
    if (originals[i] && originals[i] !== name) edit.from = originals[i];
    if (r[o.secretField]) edit[o.secretField] = r[o.secretField];
    if (Object.keys(edit).length) edits[name] = edit;
  });
  return { names, edits };
}

/** the hidden credential input holding the edits: Node-RED's placeholder for "unchanged" when there are none */
export function saveSecretEdits(input: string, edits: Record<string, unknown>): void {
  $(`#${input}`).val(Object.keys(edits).length ? JSON.stringify(edits) : "__PWRD__");
}
