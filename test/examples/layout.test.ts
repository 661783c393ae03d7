/**
 * Every example (and the demo's flows) looks tidy when imported: no node over another, no comment over a node,
 * nothing left of or above the canvas's origin, every node on the editor's grid (centres on 20 px rows, left edges
 * on 10 px columns: the editor snaps a left edge to 20 px, and our width estimate may be one 20 px step wider than
 * the editor's), groups holding their nodes.
 * Boxes are computed as the editor draws them (see canvas-boxes.ts); messages name the file, the nodes and their boxes.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Box, CLEARANCE, describe as describeBox, drawn, nodeBox, overlaps, readFlowFile } from "./canvas-boxes";

const root = path.resolve(__dirname, "..", "..");
const files = ["examples", "flows"].flatMap((dir) =>
  fs
    .readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => `${dir}/${f}`),
);

describe("examples: canvas layout", function () {
  it("finds the examples and the demo's flows", function () {
    assert.ok(files.some((f) => f.startsWith("examples/")), "examples/*.json");
    assert.ok(files.some((f) => f.startsWith("flows/")), "flows/*.json");
  });

  for (const file of files) {
    describe(file, function () {
      const flow = readFlowFile(path.join(root, file));
      const nodes = drawn(flow);
      const boxes = nodes.map(nodeBox);

      it("has nothing at negative coordinates", function () {
        const off = boxes.filter((b) => b.left < 0 || b.top < 0).map(describeBox);
        assert.deepStrictEqual(off, [], `${file}: boxes reaching left of x = 0 or above y = 0`);
      });

      it("has every node on the grid (centre on a 20 px row, left edge on a 10 px column)", function () {
        const off = boxes.filter((b) => b.type !== "group" && (((b.top + b.bottom) / 2) % 20 !== 0 || b.left % 10 !== 0)).map((b) => `${describeBox(b)} at centre (${(b.left + b.right) / 2}, ${(b.top + b.bottom) / 2})`);
        assert.deepStrictEqual(off, [], `${file}: nodes off the grid`);
      });

      it(`has no node or comment within ${CLEARANCE} px of another`, function () {
        const clashes: string[] = [];
        const flat = boxes.filter((b) => b.type !== "group");
        for (let i = 0; i < flat.length; i++) {
          for (let j = i + 1; j < flat.length; j++) {
            const [a, b] = [flat[i], flat[j]];
            if (a.z !== b.z || !overlaps(a, b)) continue;
            const what = a.type === "comment" && b.type === "comment" ? "comments overlap" : a.type === "comment" || b.type === "comment" ? "comment over node" : "nodes overlap";
            clashes.push(`${what}: ${describeBox(a)} and ${describeBox(b)}`);
          }
        }
        assert.deepStrictEqual(clashes, [], `${file}: ${clashes.length} clash(es)`);
      });

      it("has each group around its own nodes and clear of the others", function () {
        const groups = new Map<string, Box>(flow.filter((n) => n.type === "group").map((g) => [g.id, nodeBox(g)]));
        const wrong: string[] = [];
        for (const n of nodes) {
          if (n.type === "group") continue;
          const b = nodeBox(n);
          for (const [id, g] of groups) {
            const inside = b.left >= g.left && b.right <= g.right && b.top >= g.top && b.bottom <= g.bottom;
            if (n.g === id && !inside) wrong.push(`${describeBox(b)} is in group ${id} but outside its box ${describeBox(g)}`);
            if (n.g !== id && g.z === b.z && overlaps(b, g, 0) && !isInside(flow, n.g, id)) wrong.push(`${describeBox(b)} is not in group ${id} but over its box ${describeBox(g)}`);
          }
        }
        assert.deepStrictEqual(wrong, [], file);
      });
    });
  }
});

/** whether group `inner` is (transitively) inside group `outer` */
function isInside(flow: Array<{ id: string; g?: string }>, inner: string | undefined, outer: string): boolean {
  for (let id = inner, hops = 0; id && hops < 50; hops++) {
    if (id === outer) return true;
    id = flow.find((n) => n.id === id)?.g;
  }
  return false;
}
