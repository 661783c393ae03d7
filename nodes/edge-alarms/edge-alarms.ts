/**
 * edge-alarms: edge-rules' alerts become alarms operators run (acknowledge, shelve, reminders, escalation,
 * suppression). Outputs: 1 alarms, 2 escalations, 3 the record (every alert, flagged), 4 replies to commands.
 */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { asError, errorText } from "../_shared/node-red";
import { newEventId } from "../../lib/contract/message";
import { AlarmManager, AlarmsSnapshot, validAlert } from "../../lib/alarms/alarm-manager";
import type { Emission } from "../../lib/alarms/alarm-types";
import { commandName, commandPayload, parseCommand } from "../../lib/alarms/commands";
import { Suppression, ReadingLike } from "../../lib/alarms/suppression";
import { parseEscalation, parseSources, parseUnitTable } from "../../lib/alarms/settings";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { onInput } from "../_shared/guarded-input";
import { contextState } from "../_shared/context-state";


const STATE_KEY = "edge-alarms-state";

export = function register(RED: NodeAPI): void {
  function EdgeAlarmsNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const store = config.store || undefined;
    let manager: AlarmManager;
    try {
      const suppression = new Suppression(parseSources(config.sources), { table: parseUnitTable(config.units), pattern: config.unitPattern || undefined });
      manager = new AlarmManager(
        { reminderMin: config.reminderMin, escalation: parseEscalation(config.escalation), maxShelveMin: config.maxShelveMin },
        suppression,
      );
    } catch (err) {
      node.status({ fill: "red", shape: "ring", text: RED._("edge-alarms.status.badConfig", { error: errorText(err) }) });
      onInput(node, (_m: Msg, _s: Send, done: Done) => done(asError(err)));
      return;
    }

    const state = contextState<AlarmsSnapshot>(node, STATE_KEY, store, () => manager.snapshot());
    const { save, scheduleSave } = state;
    // open and acknowledged alarms, shelves and suppression windows survive restarts in the context store
    const restored = state.restored.then((value) => {
      if (value) manager.restore(value);
      const startupMin = config.startupMin;
      if (startupMin > 0) manager.command({ command: "suppress", name: "start-up", unit: "*", minutes: startupMin }, Date.now());
    });

    let lastStatus = "";
    const showStatus = () => {
      const c = manager.counts(Date.now());
      const text = RED._("edge-alarms.status.counts", { active: c.active, unacknowledged: c.unacknowledged });
      const fill = c.escalated > 0 ? "red" : c.unacknowledged > 0 ? "yellow" : "green";
      if (text + fill === lastStatus) return;
      lastStatus = text + fill;
      node.status({ fill, shape: "dot", text });
    };
    const toMsg = (e: Emission) => ({ topic: `alarms/${e.view.deviceName}/${e.view.rule}`, payload: e.view, eventId: newEventId(), priority: e.view.priority });
    const outputs = (emissions: Emission[]) => [emissions.filter((e) => e.output === "alarms").map(toMsg), emissions.filter((e) => e.output === "escalations").map(toMsg)];
    const changed = () => {
      showStatus();
      scheduleSave();
    };

    const ticker = setInterval(() => {
      void restored.then(() => {
        const emissions = manager.tick(Date.now());
        if (emissions.length) node.send([...outputs(emissions), null, null]);
        if (emissions.length || lastStatus === "") changed();
      });
    }, config.tickS * 1000);

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      restored
        .then(() => {
          const now = Date.now();
          const payload = msg.payload as Record<string, unknown> | undefined;
          if (validAlert(payload)) {
            const outcome = manager.onAlert(payload, now);
            // the record keeps every alert, suppressed or shelved, so time out of range and MKT downstream are unaffected
            const record = { ...msg, payload: { ...payload, alarmId: outcome.alarmId, suppressed: outcome.suppressed, shelved: outcome.shelved } };
            send([...outputs(outcome.emissions), record, null]);
            changed();
            return done();
          }
          const readings = readingsOf(payload);
          if (readings) {
            if (readings.map((r) => manager.onReading(r, now)).some(Boolean)) changed();
            return done();
          }
          const args = commandPayload(payload);
          const name = commandName(msg.topic, args);
          if (!name) return done(new Error(RED._("edge-alarms.errors.unknownInput")));
          const result = manager.command(parseCommand(name, args), now);
          send([...outputs(result.emissions), null, { ...msg, payload: result.reply }]);
          changed();
          done();
        })
        .catch((err) => done(asError(err)));
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearInterval(ticker);
      state.cancel();
      save().then(done, done);
    });
  }

  RED.nodes.registerType("edge-alarms", EdgeAlarmsNode);
};

/** an event's readings, or a single reading; undefined when the payload is neither */
function readingsOf(payload: Record<string, unknown> | undefined): ReadingLike[] | undefined {
  if (!payload || typeof payload !== "object") return undefined;
  if (Array.isArray(payload.readings)) return (payload.readings as ReadingLike[]).filter((r) => r && typeof r === "object" && typeof r.deviceName === "string" && typeof r.resourceName === "string");
  if (typeof payload.deviceName === "string" && typeof payload.resourceName === "string" && "value" in payload && typeof payload.rule !== "string") return [payload as unknown as ReadingLike];
  return undefined;
}
