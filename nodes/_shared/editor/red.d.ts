/// <reference types="node-red__editor-client" />
// The editor's globals as the pack's editor code uses them. Node-RED's own typings (@types/node-red__editor-client)
// give jQuery's typedInput and editableList; the node definition is typed here so that `this` in a label or a
// dialog hook is the node's own configuration (ConfigOf its settings table), and a validator may return the
// message the editor shows (Node-RED 4).

interface EditorNode {
  id: string;
  type: string;
  _(key: string, params?: Record<string, unknown>): string;
}

interface EditorPropertyDef {
  value: unknown;
  required?: boolean;
  type?: string;
  validate?: (this: EditorNode, value: unknown, options?: unknown) => boolean | string;
}

interface EditorNodeDefinition<C> {
  category: string;
  color?: string;
  defaults: Record<string, EditorPropertyDef>;
  credentials?: Record<string, { type: "text" | "password"; required?: boolean }>;
  inputs?: 0 | 1;
  outputs?: number;
  icon?: string;
  align?: "left" | "right";
  paletteLabel?: string | ((this: EditorNode & C) => string);
  label?: string | ((this: EditorNode & C) => string);
  labelStyle?: string | ((this: EditorNode & C) => string);
  inputLabels?: string | ((this: EditorNode & C) => string);
  outputLabels?: string | string[] | ((this: EditorNode & C, index: number) => string | undefined);
  oneditprepare?: (this: EditorNode & C) => void;
  oneditsave?: (this: EditorNode & C) => void;
  oneditcancel?: (this: EditorNode & C) => void;
  oneditresize?: (this: EditorNode & C, size: { width: number; height: number }) => void;
  button?: { onclick: (this: EditorNode & C) => void; enabled?: (this: EditorNode & C) => boolean };
}

declare const RED: {
  nodes: {
    registerType<C>(type: string, definition: EditorNodeDefinition<C>): void;
    /** calls `visit` with each node of the flows (its configuration, as the editor holds it) */
    eachNode(visit: (node: EditorNode & Record<string, unknown>) => boolean | void): void;
  };
  _(key: string, params?: Record<string, unknown>): string;
  notify(text: string, type?: "warning" | "error" | "success" | "compact"): void;
  editor: {
    /** Node-RED's code editor (Ace or Monaco) in the element of id `id` */
    createEditor(options: { id: string; mode?: string; value?: string }): EditorCodeEditor;
  };
};

interface EditorCodeEditor {
  getValue(): string;
  resize(): void;
  destroy(): void;
}

/** the pack's npm name, defined by the build (the editor's i18n namespace is `<pack>/<type>`) */
declare const EDGE_PACK: string;
