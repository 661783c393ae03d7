/**
 * The editor definitions as Node-RED's editor gets them: the inline script of each built dist/nodes/<type>/<type>.html
 * run against a stand-in for the editor's RED, keeping what RED.nodes.registerType receives.
 */
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import { repoRoot } from "../harness/build";

export interface EditorProperty {
  value: unknown;
  required?: boolean;
  type?: string;
  validate?: (value: unknown, options?: unknown) => boolean | string;
}

export interface EditorDefinition {
  category: string;
  defaults: Record<string, EditorProperty>;
  credentials?: Record<string, { type: string }>;
  inputs?: number;
  outputs?: number;
  oneditprepare?: () => void;
  oneditsave?: () => void;
}

export const packNodes = (): string[] => Object.keys(JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"))["node-red"].nodes);

/**
 * A stand-in for the dialog's jQuery: `#node-input-<field>` elements whose values the test sets (as Node-RED does
 * from the node before oneditprepare) and reads back (as Node-RED does on save).
 */
export class FakeDialog {
  readonly values = new Map<string, unknown>();
  readonly $ = (selector: unknown) => {
    // a config node's dialog names its fields node-config-input-<field>
    const prefix = typeof selector === "string" ? ["#node-input-", "#node-config-input-"].find((p) => selector.startsWith(p)) : undefined;
    const id = prefix ? (selector as string).slice(prefix.length) : undefined;
    const el: Record<string, unknown> = {};
    const self = () => el;
    Object.assign(el, {
      val: (v?: unknown) => {
        if (v === undefined) return id ? this.values.get(id) : undefined;
        if (id) this.values.set(id, v);
        return el;
      },
      prop: (name: string, v?: unknown) => {
        if (name === "checked" && id && v !== undefined) this.values.set(id, v);
        return v === undefined ? (id ? this.values.get(id) : undefined) : el;
      },
      attr: (name: string) => (name === "type" && id && typeof this.values.get(id) === "boolean" ? "checkbox" : "text"),
      is: () => (id ? this.values.get(id) === true : false),
      on: self,
      trigger: self,
      toggle: self,
      typedInput: self,
      css: self,
      appendTo: self,
      text: self,
      each: self,
      editableList: self,
      hide: self,
      show: self,
      find: self,
      append: self,
      width: self,
    });
    return el;
  };
}

/** every definition a built .html registers, by type (run the build first) */
export function editorDefinitions(type: string, dialog = new FakeDialog()): Record<string, EditorDefinition> {
  const html = fs.readFileSync(path.join(repoRoot, "dist", "nodes", type, `${type}.html`), "utf8");
  const found: Record<string, EditorDefinition> = {};
  const validator = () => () => true;
  const RED = {
    // no other node in the flows (edge-mqtt-bridge lists the edge-broker nodes)
    nodes: { registerType: (t: string, def: EditorDefinition) => (found[t] = def), eachNode: () => undefined },
    validators: { number: validator, regex: validator, typedInput: validator },
    // Node-RED's code editor (edge-device-profile's text): holds what it was given
    editor: { createEditor: (o: { value?: string }) => ({ getValue: () => o.value ?? "", resize: () => undefined, destroy: () => undefined }) },
    _: (key: string) => key,
  };
  for (const m of html.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)) vm.runInNewContext(m[1], { RED, $: dialog.$, window: {} });
  return found;
}

/** the configuration a node gets when dropped from the palette: each default's value */
export function defaultValues(def: EditorDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(def.defaults)) out[k] = d.value === null || typeof d.value !== "object" ? d.value : JSON.parse(JSON.stringify(d.value));
  return out;
}
