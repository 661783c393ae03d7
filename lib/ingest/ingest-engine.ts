/**
 * Turns a device's raw payload into one normalised event with its device profile: finds each resource's
 * reading (a path, a JSONata expression, a SenML record, or a key named like the resource), applies EdgeX's
 * transforms and the unit conversion, checks type and range, and says precisely what is wrong when it can't.
 * Everything that can be prepared once per profile (paths, expressions, converters) is prepared in the constructor.
 */
import { randomUUID } from "crypto";
import Ajv, { ValidateFunction } from "ajv";
import jsonata from "jsonata";
import type { DeviceProfile, DeviceResource } from "./profile";
import type { EdgeEvent, Reading, ReadingValue } from "./event";
import { applyTransforms, coerce, isIntegerType, typeRangeProblem } from "./transforms";
import { unitConverter } from "./units";
import { decodeSenmlCbor, isSenmlPack, resolveSenml, SenmlRecord } from "./senml";
import { compileTopicPattern, TopicMatcher } from "./topic-pattern";
import { lookup, renderTemplate } from "../common/template";
import { toEdgexDto, type EdgexEventDto } from "../contract/edgex";
import { newEventId, toEpochMs } from "../contract/message";
import { probeKey, type CalibrationTable } from "./calibration";

// the DTO lives with the contract (lib/contract/edgex.ts, both directions); kept importable from here
export { toEdgexDto, type EdgexEventDto };

export interface IngestOptions {
  deviceNameFrom: "topic" | "path" | "fixed";
  topicPattern?: string;
  deviceNamePath?: string;
  deviceName?: string;
  outOfRange: "reject" | "flag";
  payloadSchema?: object;
  topicTemplate?: string;
  edgexDto?: boolean;
  sourceName?: string;
  /** where the device's own timestamp is (epoch ms, epoch s or an ISO date); default: the time it arrived */
  originPath?: string;
  /** probe offsets by device/resource (lib/ingest/calibration.ts) */
  calibration?: CalibrationTable;
}

export interface IngestError {
  code: "bad-payload" | "payload-schema" | "no-device-name" | "no-readings" | "bad-value" | "out-of-range" | "expression";
  message: string;
  resource?: string;
  path?: string;
  value?: unknown;
}

export type IngestResult = { ok: true; event: EdgeEvent | EdgexEventDto; topic: string } | { ok: false; error: IngestError };


interface CompiledResource {
  resource: DeviceResource;
  /** where the value is, for error messages */
  where: string;
  read: (payload: Record<string, unknown>) => unknown | Promise<unknown>;
  /** read evaluates JSONata (a promise) */
  expression: boolean;
  senmlName: string;
  convert?: (v: number) => number;
}

type Source = { kind: "object"; payload: Record<string, unknown> } | { kind: "senml"; records: SenmlRecord[] };

type Found = { raw: unknown; time?: number; unit?: string } | undefined;

/** what an event is made of before its readings are read */
interface Start {
  source: Source;
  deviceName: string;
  now: number;
}

class Rejection extends Error {
  constructor(readonly detail: IngestError) {
    super(detail.message);
  }
}

function rejected(err: unknown): IngestResult {
  if (err instanceof Rejection) return { ok: false, error: err.detail };
  return { ok: false, error: { code: "bad-payload", message: (err as Error).message } };
}

export class IngestEngine {
  private readonly resources: CompiledResource[];
  private readonly matchTopic?: TopicMatcher;
  private readonly validatePayload?: ValidateFunction;
  /** no resource is a JSONata expression: processSync applies (no promise per event, none per reading) */
  readonly synchronous: boolean;

  constructor(
    private readonly profile: DeviceProfile,
    private readonly options: IngestOptions,
  ) {
    this.resources = profile.deviceResources.map((resource) => {
      const a = resource.attributes;
      let read: CompiledResource["read"];
      let where: string;
      if (a.expression) {
        const expr = jsonata(a.expression);
        read = (p) => expr.evaluate(p);
        where = a.expression;
      } else {
        const path = a.path ?? resource.name;
        read = (p) => lookup(p, path);
        where = path;
      }
      const units = resource.properties.units;
      const convert = a.rawUnits && units ? unitConverter(a.rawUnits, units) : undefined;
      return { resource, where, read, expression: Boolean(a.expression), senmlName: a.senmlName ?? resource.name, convert };
    });
    this.synchronous = this.resources.every((c) => !c.expression);
    if (options.deviceNameFrom === "topic") this.matchTopic = compileTopicPattern(options.topicPattern || "+deviceName/#");
    if (options.payloadSchema) this.validatePayload = new Ajv({ allErrors: true, strict: false }).compile(options.payloadSchema);
  }

  /** eventId: the event's id (the node derives it from the message's, so a redelivered message keeps its event's id) */
  async process(payload: unknown, topic: string | undefined, now = Date.now(), eventId = newEventId()): Promise<IngestResult> {
    try {
      const start = this.start(payload, topic, now);
      const found: Found[] = [];
      for (const c of this.resources) found.push(c.expression ? await this.find(c, start.source) : this.findSync(c, start.source));
      return this.event(start, found, eventId);
    } catch (err) {
      return rejected(err);
    }
  }

  /** process() for a profile without JSONata (see synchronous): the same result, at once */
  processSync(payload: unknown, topic: string | undefined, now = Date.now(), eventId = newEventId()): IngestResult {
    if (!this.synchronous) throw new Error("this profile has JSONata expressions: use process()");
    try {
      const start = this.start(payload, topic, now);
      return this.event(start, this.resources.map((c) => this.findSync(c, start.source)), eventId);
    } catch (err) {
      return rejected(err);
    }
  }

  private start(payload: unknown, topic: string | undefined, now: number): Start {
    const source = this.source(payload);
    if (this.validatePayload && !this.validatePayload(source.kind === "object" ? source.payload : payload)) {
      const e = this.validatePayload.errors?.[0];
      throw new Rejection({ code: "payload-schema", message: `payload does not match the schema: ${e?.instancePath || "/"} ${e?.message}`, path: e?.instancePath });
    }
    const deviceName = this.deviceName(source, topic);
    if (this.options.originPath && source.kind === "object") now = this.deviceTime(lookup(source.payload, this.options.originPath)) ?? now;
    return { source, deviceName, now };
  }

  /** the event of what was found for each resource (in resource order) */
  private event({ deviceName, now }: Start, found: readonly Found[], eventId: string): IngestResult {
    const readings: Reading[] = [];
    let origin = now;
    for (let i = 0; i < this.resources.length; i++) {
      const f = found[i];
      if (f === undefined) continue;
      if (f.time !== undefined) origin = f.time;
      readings.push(this.reading(this.resources[i], f.raw, deviceName, f.time ?? now, f.unit));
    }
    if (readings.length === 0) throw new Rejection({ code: "no-readings", message: `no reading of profile '${this.profile.name}' found in the payload` });
    const event: EdgeEvent = { id: eventId, deviceName, profileName: this.profile.name, sourceName: this.options.sourceName || readings[0].resourceName, origin, readings };
    const topicOut = renderTemplate(this.options.topicTemplate || "edge/{profileName}/{deviceName}", { payload: event });
    return { ok: true, event: this.options.edgexDto ? toEdgexDto(event) : event, topic: topicOut };
  }

  /** epoch s (a number below 1e11: before 1973 in ms), ms, µs, ns or an ISO date, as epoch ms */
  private deviceTime(v: unknown): number | undefined {
    const n = typeof v === "string" && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
    if (typeof n === "number" && Number.isFinite(n) && Math.abs(n) < 1e11) return n * 1000;
    return toEpochMs(n);
  }

  private source(payload: unknown): Source {
    if (Buffer.isBuffer(payload)) {
      const pack = decodeSenmlCbor(payload);
      return { kind: "senml", records: resolveSenml(pack) };
    }
    if (typeof payload === "string") {
      try {
        payload = JSON.parse(payload);
      } catch {
        throw new Rejection({ code: "bad-payload", message: "the payload is a string that is not JSON" });
      }
    }
    if (isSenmlPack(payload)) return { kind: "senml", records: resolveSenml(payload as Array<Record<string, unknown>>) };
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) throw new Rejection({ code: "bad-payload", message: `the payload must be an object, SenML, or a Buffer of SenML CBOR; got ${Array.isArray(payload) ? "an array" : payload === null ? "null" : typeof payload}` });
    return { kind: "object", payload: payload as Record<string, unknown> };
  }

  private deviceName(source: Source, topic: string | undefined): string {
    const o = this.options;
    let name: unknown;
    if (o.deviceNameFrom === "fixed") name = o.deviceName;
    else if (o.deviceNameFrom === "path") name = source.kind === "object" ? lookup(source.payload, o.deviceNamePath || "deviceName") : undefined;
    else if (topic !== undefined) name = this.matchTopic!(topic)?.deviceName;
    if (name === undefined && source.kind === "senml" && source.records.length) {
      // SenML names carry the device in the base name: urn:dev:ow:<device>:<resource>
      const m = /^(?:.*:)?([^:]+):[^:]*$/.exec(source.records[0].name);
      if (m) name = m[1];
    }
    if (typeof name !== "string" && typeof name !== "number") throw new Rejection({ code: "no-device-name", message: o.deviceNameFrom === "topic" ? `topic '${topic ?? ""}' does not match '${o.topicPattern}'` : "the device name was not found" });
    return String(name);
  }

  /** a resource's value by its JSONata expression */
  private async find(c: CompiledResource, source: Source): Promise<Found> {
    if (source.kind === "senml") return this.findSync(c, source);
    let raw: unknown;
    try {
      raw = await c.read(source.payload);
    } catch (err) {
      throw new Rejection({ code: "expression", message: `JSONata error for ${c.resource.name}: ${(err as Error).message}`, resource: c.resource.name, path: c.where });
    }
    return this.orDefault(c, raw);
  }

  /** a resource's value by its path, or from SenML records */
  private findSync(c: CompiledResource, source: Source): Found {
    if (source.kind === "senml") {
      const r = source.records.find((rec) => rec.name === c.senmlName || rec.name.endsWith(`:${c.senmlName}`) || rec.name.endsWith(`/${c.senmlName}`));
      return r ? { raw: Buffer.isBuffer(r.value) ? r.value.toString("base64") : r.value, time: r.time, unit: r.unit } : undefined;
    }
    return this.orDefault(c, c.read(source.payload));
  }

  private orDefault(c: CompiledResource, raw: unknown): Found {
    if (raw === undefined || raw === null) return c.resource.properties.defaultValue !== undefined ? { raw: c.resource.properties.defaultValue } : undefined;
    return { raw };
  }

  private reading(c: CompiledResource, raw: unknown, deviceName: string, origin: number, senmlUnit?: string): Reading {
    const p = c.resource.properties;
    const fail = (code: IngestError["code"], message: string): never => {
      throw new Rejection({ code, message: `${c.resource.name}: ${message}`, resource: c.resource.name, path: c.where, value: raw });
    };
    const coerced = coerce(raw, p.valueType);
    if (!coerced.ok) fail("bad-value", coerced.message);
    let value = (coerced as { value: ReadingValue }).value;
    const flags: string[] = [];
    let calibration: { offset: number; certificate?: string; due?: number; rawValue: number } | undefined;
    if (typeof value === "number") {
      let v = applyTransforms(value, p);
      let convert = c.convert;
      if (!convert && senmlUnit && p.units) {
        try {
          convert = unitConverter(senmlUnit, p.units);
        } catch {
          convert = undefined;
        }
      }
      if (convert) v = convert(v);
      if (isIntegerType(p.valueType) && !Number.isInteger(v)) v = Math.round(v);
      // the probe's calibration offset, in the resource's units; the range check sees the corrected value
      const cal = this.options.calibration?.get(probeKey(deviceName, c.resource.name));
      if (cal) {
        calibration = { ...cal, rawValue: fround(v, p.valueType) };
        // rounded at 1e-9 so −0.3 on 3.1 reads 2.8, not 2.8000000000000003
        v = Math.round((v + cal.offset) * 1e9) / 1e9;
        if (isIntegerType(p.valueType) && !Number.isInteger(v)) v = Math.round(v);
      }
      const typeProblem = typeRangeProblem(v, p.valueType);
      if (typeProblem) fail("bad-value", typeProblem);
      const below = p.minimum !== undefined && v < p.minimum;
      const above = p.maximum !== undefined && v > p.maximum;
      if (below || above) {
        const message = `${v} is ${below ? `below the minimum ${p.minimum}` : `above the maximum ${p.maximum}`}`;
        if (this.options.outOfRange === "reject") throw new Rejection({ code: "out-of-range", message: `${c.resource.name}: ${message}`, resource: c.resource.name, path: c.where, value: v });
        flags.push("out-of-range");
      }
      value = fround(v, p.valueType);
    }
    const reading: Reading = { id: randomUUID(), origin, deviceName, resourceName: c.resource.name, profileName: this.profile.name, valueType: p.valueType, value };
    if (p.units) reading.units = p.units;
    if (flags.length) reading.flags = flags;
    if (calibration) {
      const { rawValue, ...applied } = calibration;
      reading.rawValue = rawValue;
      reading.calibration = applied;
    }
    return reading;
  }
}

/** a Float32 reading as the shortest decimal that is that float (21.3, not 21.299999237060547) */
function fround(v: number, valueType: string): number {
  return valueType === "Float32" ? (Math.fround(v) === v ? v : Number(Math.fround(v).toPrecision(7))) : v;
}
