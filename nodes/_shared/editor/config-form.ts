/**
 * A config node's dialog: Node-RED fills and saves the fields `node-config-input-<field>` there, not
 * `node-input-<field>`. Its form.ts wraps its rows in `configNodeRows`, and its editor.ts calls
 * `configNodeDialog()` (define.ts) so that the shared dialog code finds them. Runs in the build only.
 */
import type { Row } from "./form";

export function configNodeRows(rows: readonly Row[]): Row[] {
  return rows.map((r) => ({ html: (type: string) => r.html(type).replace(/(id|for)="node-input-/g, '$1="node-config-input-') }));
}
