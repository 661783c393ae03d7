/**
 * edge-record: the compliance record. Keeps readings, alerts, alarms and acknowledgements, and every change of its
 * own configuration, in an append-only hash-chained log on the gateway (lib/record), whatever was forwarded;
 * verifies it on a message (topic "verify") or over HTTP; and makes a device's report for a day or a trip as CSV,
 * PDF or JSON (topic "report", or GET <path>/report and the admin route /edge-record/<id>/report).
 * Output 1: replies (verification results, reports).
 */
import * as path from "path";
import type { Request, Response } from "express";
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { asError, errorText } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { newEventId } from "../../lib/contract/message";
import { assertWithinLimits } from "../../lib/common/payload-limits";
import { shortReason } from "../../lib/common/status-text";
import { RecordLog } from "../../lib/record/record-log";
import { verifyRecord, Verification } from "../../lib/record/verify";
import { RecordInputError, recordablesOf } from "../../lib/record/recordable";
import { configChanges, configurationOf } from "../../lib/record/config-change";
import { parseRangeTable } from "../../lib/record/limits-table";
import { ReportDefaults, renderReport } from "../../lib/record/report-request";
import { ReportQueryError } from "../../lib/record/report";
import { onInput } from "../_shared/guarded-input";

/** how often the head file is rewritten while entries come in, and retention looked at */
const HEAD_INTERVAL_MS = 5000;
const RETENTION_INTERVAL_MS = 3600000;

interface Served {
  verify(): Verification;
  report(params: unknown): ReturnType<typeof renderReport>;
}

export = function register(RED: NodeAPI): void {
  const served = new Map<string, Served>();
  /** folders open as a record, by node: two nodes writing one chain would break it */
  const openDirs = new Map<string, string>();

  function EdgeRecordNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const userDir = RED.settings.userDir ?? process.cwd();
    const dir = config.dir ? path.resolve(userDir, config.dir) : path.join(userDir, "edge-record", node.id.replace(/[^\w.-]/g, "_"));
    let log: RecordLog;
    let defaults: ReportDefaults;
    try {
      const owner = openDirs.get(dir);
      if (owner && owner !== node.id) throw new Error(RED._("edge-record.errors.dirInUse", { dir, node: owner }));
      defaults = {
        ranges: parseRangeTable(config.ranges),
        range: { low: config.low, high: config.high },
        gapMs: config.gapMin * 60000,
        resources: config.resources ? config.resources.split(",").map((s) => s.trim()).filter(Boolean) : undefined,
      };
      log = RecordLog.open({ dir, retentionDays: config.retentionDays, commit: config.groupCommitMs > 0 ? config.groupCommitMs : "tick" });
      openDirs.set(dir, node.id);
    } catch (err) {
      const error = errorText(err);
      node.status({ fill: "red", shape: "ring", text: RED._("edge-record.status.openFailed", { error: shortReason(error) }) });
      node.error(RED._("edge-record.status.openFailed", { error }));
      onInput(node, (_m: Msg, _s: Send, done: Done) => done(new Error(RED._("edge-record.errors.notOpen", { error }))));
      return;
    }

    let dirty = false;
    let failed = "";
    const showStatus = () => {
      if (failed) node.status({ fill: "red", shape: "ring", text: RED._("edge-record.status.writeFailed", { error: shortReason(failed) }) });
      else node.status({ fill: "green", shape: "dot", text: RED._("edge-record.status.recording", { seq: log.last.seq }) });
    };
    const append = (kind: Parameters<RecordLog["append"]>[0], data: Record<string, unknown>) => {
      dirty = true;
      return log.append(kind, data).then(
        (entry) => {
          if (failed) {
            failed = "";
            showStatus();
          }
          return entry;
        },
        (err: unknown) => {
          failed = errorText(err);
          showStatus();
          throw err;
        },
      );
    };

    // what the start found (a torn tail, entries missing), the start itself, and a changed configuration (as
    // deployed, not as migrated: a flow saved by an older release that is deployed again has not changed)
    const configuration = configurationOf(def as unknown as Record<string, unknown>);
    const previous = log.previousHead?.config;
    const changes = configChanges(previous, configuration);
    for (const r of log.recoveries) {
      node.warn(RED._("edge-record.log.recovered", { dir, what: JSON.stringify(r) }));
      void append("recovery", { ...r }).catch(() => undefined);
    }
    void append("start", { node: node.id, name: config.name || undefined, dir }).catch(() => undefined);
    const started = (changes.length > 0 ? append("config", { node: node.id, by: null, byNote: RED._("edge-record.note.deployUser"), first: previous === undefined, changes, config: configuration }) : Promise.resolve(undefined))
      .then((entry) => {
        if (entry && previous !== undefined) node.log(RED._("edge-record.log.configChanged", { fields: changes.map((c) => c.field).join(", "), seq: entry.seq }));
        return log.writeHead(configuration);
      })
      .then(() => log.applyRetention())
      .catch((err) => node.error(errorText(err)));
    showStatus();

    const headTimer = setInterval(() => {
      if (!dirty) return;
      dirty = false;
      log.writeHead(configuration).catch((err) => node.error(errorText(err)));
      showStatus();
    }, HEAD_INTERVAL_MS);
    const retentionTimer = setInterval(() => {
      void started.then(() => log.applyRetention()).catch((err) => node.error(errorText(err)));
    }, RETENTION_INTERVAL_MS);

    const verify = () => {
      const v = verifyRecord(dir);
      node.status(v.ok ? { fill: "green", shape: "dot", text: RED._("edge-record.status.verified", { entries: v.entries }) } : { fill: "yellow", shape: "ring", text: RED._("edge-record.status.tampered", { count: v.problems.length }) });
      return v;
    };
    const report = (params: unknown) => renderReport(dir, params, defaults, log.last, Date.now());
    served.set(node.id, { verify, report });
    const routes = config.servePath ? serveOnHttpNode(RED, config.servePath, { verify, report }) : undefined;

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      try {
        if (msg.topic === "verify") {
          send({ ...msg, topic: "verify", payload: verify(), eventId: newEventId() });
          return done();
        }
        if (msg.topic === "report") {
          const r = report(msg.payload);
          send({ ...msg, payload: r.body, headers: { "content-type": r.contentType, "content-disposition": `attachment; filename="${r.filename}"` }, filename: r.filename, eventId: newEventId() });
          return done();
        }
        // a record entry is a reading or an alarm: a few hundred bytes, never megabytes nor deep objects
        assertWithinLimits(msg.payload, { maxBytes: 256 * 1024, maxDepth: 16 }, "msg.payload");
        const entries = recordablesOf(msg);
        if (!entries) return done(new Error(RED._("edge-record.errors.notRecordable")));
        // done once every entry is on disk: a Complete node downstream may then let the sender forget the message
        Promise.all(entries.map((e) => append(e.kind, e.data))).then(
          () => done(),
          (err) => done(asError(err)),
        );
      } catch (err) {
        done(asError(err));
      }
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearInterval(headTimer);
      clearInterval(retentionTimer);
      served.delete(node.id);
      routes?.remove();
      started
        .then(() => log.close())
        .catch((err) => node.error(errorText(err)))
        .finally(() => {
          if (openDirs.get(dir) === node.id) openDirs.delete(dir);
          done();
        });
    });
  }

  /** the admin routes, behind Node-RED's own admin authentication (permission edge-record.read) */
  const lookup = (req: Request, res: Response): Served | undefined => {
    const s = served.get(String(req.params.id));
    if (!s) res.status(404).type("text/plain").send(`no edge-record node ${String(req.params.id)}`);
    return s;
  };
  RED.httpAdmin.get("/edge-record/:id/verify", RED.auth.needsPermission("edge-record.read"), (req, res) => {
    const s = lookup(req, res);
    if (s) answerVerify(s, res);
  });
  RED.httpAdmin.get("/edge-record/:id/report", RED.auth.needsPermission("edge-record.read"), (req, res) => {
    const s = lookup(req, res);
    if (s) answerReport(s, req, res);
  });

  RED.nodes.registerType("edge-record", EdgeRecordNode);
};

function answerVerify(s: Served, res: Response): void {
  try {
    res.json(s.verify());
  } catch (err) {
    res.status(500).type("text/plain").send(errorText(err));
  }
}

function answerReport(s: Served, req: Request, res: Response): void {
  try {
    const r = s.report(req.query);
    res.status(200).type(r.contentType).set("Content-Disposition", `inline; filename="${r.filename}"`).send(r.body);
  } catch (err) {
    res.status(err instanceof ReportQueryError || err instanceof RecordInputError ? 400 : 500).type("text/plain").send(errorText(err));
  }
}

/** GET <path>/verify and <path>/report on Node-RED's HTTP node server (httpNodeAuth, if set, guards them) */
function serveOnHttpNode(RED: NodeAPI, base: string, s: Served): { remove(): void } {
  const root = `/${base.replace(/^\/+|\/+$/g, "")}`;
  const paths = [`${root}/verify`, `${root}/report`];
  RED.httpNode.get(paths[0], (_req: Request, res: Response) => answerVerify(s, res));
  RED.httpNode.get(paths[1], (req: Request, res: Response) => answerReport(s, req, res));
  return {
    remove() {
      // as Node-RED's http in node does: Express has no API to remove a route
      const stack = (RED.httpNode as unknown as { _router?: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } })._router?.stack;
      if (!stack) return;
      for (let i = stack.length - 1; i >= 0; i--) {
        const route = stack[i].route;
        if (route && paths.includes(route.path) && route.methods.get) stack.splice(i, 1);
      }
    },
  };
}
