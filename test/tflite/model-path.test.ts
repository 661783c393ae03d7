import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { resolveModelPath } from "../../lib/tflite/model-path";

describe("model paths in node settings", function () {
  it("finds a bundled model by builtin: name, wherever the pack is installed", function () {
    const p = resolveModelPath("builtin:reefer-anomaly.tflite", "/home/user/.node-red");
    assert.ok(fs.existsSync(p), p);
  });
  it("refuses a builtin: name that leaves the bundled folder", function () {
    assert.throws(() => resolveModelPath("builtin:../package.json", "/x"), /does not name a bundled model/);
    assert.throws(() => resolveModelPath("builtin:", "/x"), /does not name a bundled model/);
  });
  it("reads relative paths from Node-RED's user directory and keeps absolute ones", function () {
    assert.strictEqual(resolveModelPath("models/a.tflite", "/home/u/.node-red"), path.resolve("/home/u/.node-red/models/a.tflite"));
    assert.strictEqual(resolveModelPath("/opt/m.tflite", "/home/u/.node-red"), "/opt/m.tflite");
  });
});
