/** edge-tflite: runs a .tflite model on each message with the pack's own TFLite interpreter, off the event loop. */
import * as fs from "fs";
import * as path from "path";
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { asError, errorText } from "../_shared/node-red";
import { TfliteSession } from "../../lib/tflite/inference-session";
import { QueueFullError } from "../../lib/tflite/worker-pool";
import { resolveModelPath } from "../../lib/tflite/model-path";
import { derivedEventId, eventIdOf } from "../../lib/contract/message";
import { isEdgexDto, toEdgeEvent } from "../../lib/contract/edgex";
import { onInput } from "../_shared/guarded-input";
import { metrics } from "../../lib/fleet/metrics";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";

export = function register(RED: NodeAPI): void {
  function EdgeTfliteNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const userDir = RED.settings.userDir ?? process.cwd();
    const resolve = (setting: string) => {
      try {
        return setting ? resolveModelPath(setting, userDir) : "";
      } catch (err) {
        node.error(errorText(err));
        return "";
      }
    };
    const modelPath = resolve(config.modelPath);
    const labels = readLabels(resolve(config.labelsPath));
    const session = new TfliteSession({
      output: config.output,
      input: config.input,
      normalise: config.normalise,
      labels,
      threshold: config.threshold,
      windowResources: config.windowResources.split(",").map((s) => s.trim()).filter((s) => s.length > 0),
      poolSize: config.poolSize,
      maxQueue: config.maxQueue,
      arithmetic: config.arithmetic,
    });
    let modelName = modelPath ? path.basename(modelPath) : "";
    let watcher: fs.FSWatcher | undefined;
    let reloadTimer: NodeJS.Timeout | undefined;
    let closed = false;

    const status = () => {
      if (!session.loaded) return;
      node.status({ fill: "green", shape: "dot", text: RED._("edge-tflite.status.ready", { model: modelName, version: session.version }) });
    };

    const loadBytes = async (bytes: Uint8Array, name: string) => {
      node.status({ fill: "yellow", shape: "ring", text: RED._("edge-tflite.status.loading") });
      try {
        await session.load(bytes);
        modelName = name;
        status();
      } catch (err) {
        node.status({ fill: "red", shape: "ring", text: RED._("edge-tflite.status.error") });
        throw err;
      }
    };

    // messages that arrive while the model file loads (at deploy) wait for it rather than fail
    let fileLoad: Promise<void> | undefined;
    const loadFile = () => {
      if (closed || !modelPath) return;
      fileLoad = fs.promises
        .readFile(modelPath)
        .then((bytes) => loadBytes(new Uint8Array(bytes), path.basename(modelPath)))
        .catch((err) => node.error(RED._("edge-tflite.errors.load", { path: modelPath, error: errorText(err) })));
    };

    if (modelPath) {
      loadFile();
      try {
        // watch the folder: model updates usually arrive as a new file renamed over the old one
        watcher = fs.watch(path.dirname(modelPath), (_event, file) => {
          if (file && file.toString() !== path.basename(modelPath)) return;
          clearTimeout(reloadTimer);
          reloadTimer = setTimeout(loadFile, 200);
        });
        watcher.on("error", () => undefined);
      } catch (err) {
        node.warn(RED._("edge-tflite.errors.watch", { error: errorText(err) }));
      }
    } else {
      node.status({ fill: "yellow", shape: "ring", text: RED._("edge-tflite.status.no-model") });
    }

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      const run = async () => {
        if (Buffer.isBuffer(msg.model) || msg.model instanceof Uint8Array) {
          await loadBytes(new Uint8Array(msg.model as Uint8Array), typeof msg.modelName === "string" ? msg.modelName : "msg.model");
          if (msg.payload === undefined) return;
        }
        if (!session.loaded && fileLoad) await fileLoad;
        if (!session.loaded) throw new Error(RED._("edge-tflite.errors.no-model"));
        // an EdgeX DTO carries its values as strings and its origins in ns: the windows need the typed event
        const input = isEdgexDto(msg.payload) ? toEdgeEvent(msg.payload as Record<string, unknown>) : msg.payload;
        const result = await session.infer(input);
        metrics.observe("edge_inference_seconds", { node: node.id }, result.ms / 1000);
        if (result.payload === undefined) return; // window still filling for this device
        const out = msg as Msg;
        // the result is new information: an id of its own (never the input's, or a queue holding both keeps one)
        const cause = eventIdOf(msg);
        out.eventId = derivedEventId(cause, node.id);
        if (cause) out.causeEventId = cause;
        out.payload = result.payload;
        out.inference = { model: modelName, version: session.version, ms: Math.round(result.ms * 1000) / 1000 };
        const below = result.below as { detections: unknown[] } | undefined;
        if (below === undefined) {
          send(result.aboveThreshold ? [out, null] : [null, out]);
          return;
        }
        // detect: detections at or above the threshold on the first output, those below on the second; a frame
        // with none above still goes to the second, so every input leaves a message
        const belowMsg = below.detections.length > 0 || !result.aboveThreshold ? { ...out, eventId: derivedEventId(cause, `${node.id}:below`), payload: below } : null;
        send([result.aboveThreshold ? out : null, belowMsg]);
      };
      run().then(
        () => done(),
        (err) => {
          // the flow is stopping (a deploy): what the node held is dropped, as core nodes drop what they hold at
          // close, not reported as an error of the model
          if (closed) return done();
          if (err instanceof QueueFullError) node.status({ fill: "yellow", shape: "ring", text: RED._("edge-tflite.status.queue-full") });
          done(asError(err));
        },
      );
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      closed = true;
      clearTimeout(reloadTimer);
      watcher?.close();
      session.close().then(done, done);
    });
  }

  function readLabels(file: string): string[] {
    if (!file) return [];
    try {
      return fs.readFileSync(file, "utf8").split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
    } catch (err) {
      RED.log.warn(RED._("edge-tflite.errors.labels", { path: file, error: errorText(err) }));
      return [];
    }
  }

  RED.nodes.registerType("edge-tflite", EdgeTfliteNode);
};
