/**
 * edge-modbus: one Modbus device described by an EdgeX device profile. On a schedule (or on any message that is
 * not a write) it reads the profile's points and sends their values by resource name — the payload edge-ingest
 * turns into an event with the same profile; a message whose payload is an object of resource values writes them
 * (setpoints) and sends the result on output 2, or fails with done(err) so a Catch node sees why.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import type { DeviceProfileNode } from "../_shared/device-profile";
import type { ModbusLinkNode } from "../_shared/modbus-link";
import { onInput } from "../_shared/guarded-input";
import { flowsStarted } from "../_shared/flows-started";
import { ModbusDevice, type PollResult } from "../../lib/modbus/modbus-device";
import type { LinkState } from "../../lib/modbus/transport";
import type { DeviceProfile } from "../../lib/ingest/profile";
import { newEventId } from "../../lib/contract/message";
import { LogOnce } from "../../lib/common/log-once";
import { shortReason } from "../../lib/common/status-text";

/** a profile none of whose resources has a Modbus table: not a Modbus device's profile (a new profile's example) */
const hasModbusPoints = (profile: DeviceProfile) => profile.deviceResources.some((r) => r.attributes.primaryTable !== undefined);

export = function register(RED: NodeAPI): void {
  function EdgeModbusNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const linkNode = RED.nodes.getNode(config.link) as ModbusLinkNode | null;
    const profileNode = RED.nodes.getNode(config.profile) as DeviceProfileNode | null;
    const unitId = config.unitId;
    const intervalMs = config.intervalS * 1000;
    const named = (config.deviceNameType === "env" ? String(RED.util.evaluateNodeProperty(config.deviceName, "env", node, {} as Msg) ?? "") : config.deviceName).trim();
    const deviceName = named || config.name || `modbus-${unitId}`;
    let device: ModbusDevice | undefined;
    let setupProblem: string | undefined;
    /** a gateway not set up yet rather than a fault: shown grey with this text, said once as a warning */
    let notConfigured: string | undefined;
    if (!linkNode) setupProblem = RED._("edge-modbus.errors.no-link");
    else if (linkNode.configError) {
      setupProblem = RED._("edge-modbus.errors.bad-link", { error: linkNode.configError });
      if (linkNode.notConfigured) notConfigured = linkNode.configError;
    }
    else if (!profileNode) setupProblem = RED._("edge-modbus.errors.no-profile");
    else if (!profileNode.profile) setupProblem = RED._("edge-modbus.errors.bad-profile", { problems: profileNode.problems.join("; ") });
    else if (!hasModbusPoints(profileNode.profile)) {
      setupProblem = RED._("edge-modbus.errors.no-points", { profile: profileNode.profile.name });
      notConfigured = RED._("edge-modbus.status.no-points");
    } else if (config.deviceNameType === "env" && !named) {
      setupProblem = RED._("edge-modbus.settings.unset-env", { field: "deviceName", name: config.deviceName });
      notConfigured = setupProblem;
    } else {
      try {
        device = new ModbusDevice(linkNode.client(node.id), profileNode.profile, { unitId, maxGap: config.maxGap, writeMultiple: config.writeMultiple });
      } catch (err) {
        setupProblem = RED._("edge-modbus.errors.bad-points", { error: errorText(err) });
      }
    }
    if (setupProblem) {
      // a link not configured has said so itself, once
      if (!notConfigured) node.error(setupProblem);
      else if (!linkNode?.notConfigured) node.warn(setupProblem);
      node.status({ fill: notConfigured ? "grey" : "red", shape: "ring", text: shortReason(notConfigured ?? setupProblem) });
    }

    let closing = false;
    let timer: NodeJS.Timeout | undefined;
    let polling = false;
    let polls = 0;
    let lastPoll: "ok" | "partial" | "failed" | undefined;
    let lastProblem = "";
    const logOnce = new LogOnce();
    const transport = device ? linkNode!.client(node.id).transport : undefined;

    const showStatus = () => {
      if (setupProblem || closing || !transport) return;
      const state = transport.state;
      if (state !== "connected") {
        const text = state === "connecting" ? RED._("edge-modbus.status.connecting", { link: linkNode!.describe() }) : RED._("edge-modbus.status.disconnected", { error: shortReason(transport.lastError?.message ?? "", 40) });
        node.status({ fill: state === "connecting" ? "yellow" : "red", shape: "ring", text });
      } else if (lastPoll === undefined) node.status({ fill: "yellow", shape: "ring", text: RED._("edge-modbus.status.connected") });
      else if (lastPoll === "ok") node.status({ fill: "green", shape: "dot", text: RED._("edge-modbus.status.polling", { polls }) });
      else node.status({ fill: "red", shape: lastPoll === "partial" ? "dot" : "ring", text: shortReason(lastProblem) });
    };
    const onState = (s: LinkState) => {
      // green again only after a poll on the new connection has read everything
      if (s !== "connected") lastPoll = undefined;
      showStatus();
    };
    transport?.on("state", onState);
    showStatus();

    const readings = (r: PollResult, startedAt: number, base: Record<string, unknown> = {}): Msg =>
      ({
        ...base,
        topic: `modbus/${deviceName}`,
        payload: r.values,
        deviceName,
        eventId: newEventId(),
        timestamp: startedAt,
        modbus: { unitId, link: linkNode!.describe(), profile: profileNode!.profile!.name, durationMs: Date.now() - startedAt, ...(r.failures.length ? { failures: r.failures.map((f) => ({ group: f.group, error: f.error.message })) } : {}) },
      }) as unknown as Msg;

    /** one poll; undefined when the node closed meanwhile */
    const pollOnce = async (): Promise<{ result: PollResult; startedAt: number; problem?: string } | undefined> => {
      const startedAt = Date.now();
      const result = await device!.poll();
      if (closing) return undefined;
      polls++;
      const problem = result.failures.length ? RED._("edge-modbus.errors.poll", { device: deviceName, failures: result.failures.map((f) => `${f.group}: ${f.error.message}`).join("; ") }) : undefined;
      lastPoll = !problem ? "ok" : Object.keys(result.values).length ? "partial" : "failed";
      lastProblem = problem ?? "";
      if (!problem) logOnce.reset();
      showStatus();
      return { result, startedAt, problem };
    };

    const scheduled = async () => {
      if (polling || closing) return;
      polling = true;
      try {
        const r = await pollOnce();
        if (!r) return;
        if (Object.keys(r.result.values).length) node.send([readings(r.result, r.startedAt), null]);
        // a device that stays down is said once (status shows it all along), again after it recovered
        if (r.problem && logOnce.first(r.problem.replace(/\d+ ms/g, ""))) node.error(r.problem, { topic: `modbus/${deviceName}`, payload: r.result.values, error: { message: r.problem, failures: r.result.failures.map((f) => f.error.message) } });
      } catch (err) {
        if (!closing) node.error(errorText(err));
      } finally {
        polling = false;
      }
    };

    onInput(node, async (msg: Msg, send: Send, done: Done) => {
      if (!device) return done(new Error(setupProblem));
      const p = msg.payload;
      if (p !== null && typeof p === "object" && !Array.isArray(p) && !Buffer.isBuffer(p)) {
        const result = await device.write(p as Record<string, unknown>);
        send([null, { ...msg, payload: result.written, deviceName, modbus: { unitId, link: linkNode!.describe(), requests: result.requests } } as Msg]);
        return done();
      }
      const r = await pollOnce();
      if (!r) return done();
      if (Object.keys(r.result.values).length) send([readings(r.result, r.startedAt, msg), null]);
      done(r.problem ? new Error(r.problem) : undefined);
    });

    const started = flowsStarted(RED);
    if (device && intervalMs > 0) {
      void started.ready.then((how) => {
        if (how === "cancelled" || closing) return;
        void scheduled();
        timer = setInterval(() => void scheduled(), Math.max(100, intervalMs));
      });
    }

    node.on("close", (_removed: boolean, done: () => void) => {
      closing = true;
      started.cancel();
      clearInterval(timer);
      transport?.off("state", onState);
      if (!linkNode || linkNode.configError) return done();
      linkNode.release(node.id).then(() => done());
    });
  }

  RED.nodes.registerType("edge-modbus", EdgeModbusNode);
};
