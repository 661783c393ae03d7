/** edge-rules: cold-chain rules over normalised events; alerts with a life on output 1, annotated readings on output 2. */
import type { NodeAPI, Node, NodeDef, Send, Done, Msg } from "../_shared/node-red";
import { asError, errorText, throttledStatus } from "../_shared/node-red";
import { asEvent } from "../_shared/event-input";
import { RulesEngine, Alert, RulesSnapshot } from "../../lib/rules/rules-engine";
import type { Rule } from "../../lib/rules/rule-types";
import { ProductClasses, classTable, parseDeviceClasses, type AppliedLimits, type LoadContext } from "../../lib/rules/product-classes";
import type { Reading } from "../../lib/ingest/event";
import { alertMessage } from "../../lib/contract/alert";
import { eventIdOf } from "../../lib/contract/message";
import { onInput } from "../_shared/guarded-input";
import { contextState } from "../_shared/context-state";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import { limitRefs, limitValue, withLimits, type LimitRef, type RuleParams } from "../../lib/rules/rule-limits";


/** msg.topic of a message that sets (or, without productClass, ends) a device's trip class */
const TRIP_TOPIC = "product-class";

const STATE_KEY = "edge-rules-state";

export = function register(RED: NodeAPI): void {
  function EdgeRulesNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = readSettings(RED, node, settingsModule, def);
    if (!config) return;
    const store = config.store || undefined;
    const rules = config.rules as unknown as RuleParams[];
    // limits from the environment are read once, here; from the flow or global context, for every reading
    const refs = limitRefs(rules, settingsModule.LIMIT_PARAMS);
    const fromEnv = refs.map((ref) => (ref.source === "env" ? limitValue(RED.util.evaluateNodeProperty(ref.key, "env", node, {} as Msg)) : undefined));
    const unsetEnv = refs.find((ref, i) => ref.source === "env" && fromEnv[i] === undefined);
    if (unsetEnv) {
      // a gateway not configured yet (a per-store limit in an environment variable): grey, said once
      const why = RED._("edge-rules.errors.unsetEnv", { rule: unsetEnv.rule, param: unsetEnv.param, name: unsetEnv.key });
      node.warn(why);
      node.status({ fill: "grey", shape: "ring", text: RED._("edge-rules.settings.unset-env", { name: unsetEnv.key }) });
      onInput(node, (_m: Msg, _s: Send, done: Done) => done(new Error(why)));
      return;
    }
    const fromContext = refs.some((ref) => ref.source !== "env");
    /** each reference's value now (the environment's as read at deploy), or the first that is not a number */
    const readLimits = (msg: Msg): { values: number[] } | { missing: LimitRef; raw: unknown } => {
      const values: number[] = [];
      for (let i = 0; i < refs.length; i++) {
        const ref = refs[i];
        const raw = ref.source === "env" ? fromEnv[i] : RED.util.evaluateNodeProperty(ref.key, ref.source, node, msg);
        const value = limitValue(raw);
        if (value === undefined) return { missing: ref, raw };
        values.push(value);
      }
      return { values };
    };
    let classes: ProductClasses;
    try {
      const table = classTable(config.classes);
      classes = new ProductClasses(table, parseDeviceClasses(config.deviceClasses, table));
    } catch (err) {
      node.status({ fill: "red", shape: "ring", text: errorText(err) });
      onInput(node, (_m: Msg, _s: Send, done: Done) => done(asError(err)));
      return;
    }
    /** the engine of the limits read last (undefined until the context holds every limit); its limits as a key */
    let engine: RulesEngine | undefined;
    let engineLimits = "";
    /** the state read back at start, until an engine takes it */
    let restoredState: RulesSnapshot | undefined;
    /** an engine for `values`, taking over the state of the one before (alerts open, timers, windows) */
    const engineFor = (values: number[]): RulesEngine => {
      const key = values.join(",");
      if (engine && key === engineLimits) return engine;
      const next = new RulesEngine((withLimits(rules, settingsModule.LIMIT_PARAMS, refs, values) as unknown as Rule[]).map(normaliseRule), classes);
      const previous = engine ? engine.snapshot() : restoredState;
      if (previous) next.restore(previous);
      restoredState = undefined;
      engine = next;
      engineLimits = key;
      return next;
    };
    try {
      // at deploy when the context holds every limit already (it is read again for every reading)
      const first = readLimits({} as Msg);
      if ("values" in first) engineFor(first.values);
    } catch (err) {
      node.status({ fill: "red", shape: "ring", text: errorText(err) });
      onInput(node, (_m: Msg, _s: Send, done: Done) => done(asError(err)));
      return;
    }
    let raised = 0;
    const state = contextState<RulesSnapshot>(node, STATE_KEY, store, () => (engine ? engine.snapshot() : (restoredState as RulesSnapshot)));
    const { save, scheduleSave } = state;
    // state survives restarts and redeploys in the context store (persistent when a file store is configured)
    const restored = state.restored.then((value) => {
      if (!value) return;
      if (engine) engine.restore(value);
      else restoredState = value;
    });
    // an alert is a message of its own: its own eventId per transition, never the reading's
    const toMsg = (a: Alert) => ({ ...alertMessage(a, `alerts/${a.deviceName}/${a.rule}`, a.at) }) as unknown as Msg;
    // one evaluation at a time, in arrival order (as core's trigger node keeps order): the engine's per-key state
    // must see readings in order, and outputs leave in input order; a JSONata rule makes every evaluation async
    let queue: Promise<void> = restored;
    const serially = (work: () => Promise<void>) => (queue = queue.then(work).catch((err) => node.error(errorText(err))));
    /** a limit the context did not hold for the last reading: shown until one is evaluated */
    let limitMissing: string | undefined;
    // alerts can come by the thousand per second: the status (an i18n lookup and an editor message) is coalesced
    const status = throttledStatus(
      node,
      () => (limitMissing ? { fill: "red", shape: "ring", text: limitMissing } : { fill: raised > 0 ? "red" : "green", shape: "dot", text: RED._("edge-rules.status.active", { count: raised }) }),
      250,
    );
    const showStatus = () => status.update();
    const countOpen = (alerts: Alert[]) => {
      for (const a of alerts) raised += a.state === "raised" ? 1 : a.state === "cleared" ? -1 : 0;
      raised = Math.max(0, raised);
    };

    const ticker = setInterval(() => {
      void serially(async () => {
        if (!engine) return;
        const alerts = engine.tick(Date.now());
        if (alerts.length) {
          countOpen(alerts);
          node.send([alerts.map(toMsg), null]);
          showStatus();
          scheduleSave();
        }
      });
    }, config.tickS * 1000);

    onInput(node, (msg: Msg, send: Send, done: Done) => {
      if (msg.topic === TRIP_TOPIC) {
        const p = (msg.payload ?? {}) as Record<string, unknown>;
        if (typeof p.deviceName !== "string" || !p.deviceName) return done(new Error(RED._("edge-rules.errors.tripDevice")));
        const productClass = typeof p.productClass === "string" ? p.productClass : null;
        void serially(async () => {
          try {
            classes.setTrip(p.deviceName as string, productClass);
            scheduleSave();
            done();
          } catch (err) {
            done(asError(err));
          }
        });
        return;
      }
      let event;
      try {
        event = asEvent(msg.payload, msg.topic);
      } catch (err) {
        return done(asError(err));
      }
      const cause = eventIdOf(msg) ?? event.id;
      void serially(async () => {
        try {
          let current = engine;
          if (fromContext) {
            const read = readLimits(msg);
            if ("missing" in read) {
              const { missing } = read;
              limitMissing = RED._("edge-rules.status.limitMissing", { source: missing.source, key: missing.key });
              showStatus();
              return done(new Error(RED._("edge-rules.errors.limitMissing", { rule: missing.rule, param: missing.param, source: missing.source, key: missing.key, value: String(read.raw).slice(0, 40) })));
            }
            current = engineFor(read.values);
            if (limitMissing) {
              limitMissing = undefined;
              showStatus();
            }
          }
          // (limits of the rule's own or from the environment only: the engine was built at deploy)
          // without JSONata rules the engine needs no promise per event
          const load: LoadContext = { msgClass: msg.productClass, msgLimits: msg.limits, metadata: event.metadata };
          const { alerts, tripped } = current!.synchronous ? current!.evaluateSync(event, cause, load) : await current!.evaluate(event, cause, load);
          countOpen(alerts);
          const annotated = { ...event, readings: annotatedReadings(event.readings, tripped, current!.classes, load) };
          // the annotated readings are the same event: they keep its eventId
          send([alerts.map(toMsg), { ...msg, payload: annotated }]);
          if (alerts.length) showStatus();
          scheduleSave();
          done();
        } catch (err) {
          done(asError(err));
        }
      });
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      clearInterval(ticker);
      status.stop();
      state.cancel();
      void serially(() => save()).then(() => done());
    });
    showStatus();
  }

  RED.nodes.registerType("edge-rules", EdgeRulesNode);
};

/** The editor keeps numbers as strings: bring every numeric field of a rule to a number. */
function normaliseRule(raw: Rule): Rule {
  const r = { ...raw } as Record<string, unknown>;
  for (const k of ["raise", "clear", "forS", "low", "high", "hysteresis", "perMinute", "windowS", "seconds", "budgetMin", "windowH", "limit", "deltaHOverR", "unitWeight", "tare", "reorderPoint", "targetStock"]) {
    if (r[k] === "" || r[k] === undefined || r[k] === null) delete r[k];
    else r[k] = Number(r[k]);
  }
  return r as unknown as Rule;
}

/**
 * The readings, each with the names of the rules it tripped and the limits of its device's product class
 * (downstream summaries measure time in range against them); a reading with neither is passed on as it is. The
 * class is resolved once per run of readings from one device (an event mostly has one device): no map or closure
 * per event.
 */
function annotatedReadings(readings: readonly Reading[], tripped: ReadonlyMap<string, readonly string[]>, classes: ProductClasses, load: LoadContext): Reading[] {
  const out: Reading[] = new Array(readings.length);
  let device: string | undefined;
  let limits: AppliedLimits | undefined;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i];
    if (i === 0 || r.deviceName !== device) {
      device = r.deviceName;
      try {
        limits = classes.resolve(device, load);
      } catch {
        limits = undefined; // an unknown class named by the message was already refused by the rules that use classes
      }
    }
    const names = tripped.get(r.id);
    if (!names && !limits) {
      out[i] = r;
      continue;
    }
    const annotated: Reading & { rules?: string[]; limits?: AppliedLimits } = { ...r };
    // the engine's names are shared and frozen: the message gets an array of its own
    if (names) annotated.rules = [...names];
    if (limits) annotated.limits = limits;
    out[i] = annotated;
  }
  return out;
}
