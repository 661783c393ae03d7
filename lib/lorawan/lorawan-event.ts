/**
 * A decoded LoRaWAN uplink as the pack's normalised event (lib/ingest/event.ts), so rules, models and exports
 * treat a LoRaWAN tag like any other device: one reading per decoded field, the radio metadata kept.
 */
import { randomUUID } from "crypto";
import type { EdgeEvent, Reading, ValueType } from "../ingest/event";
import { newEventId } from "../contract/message";
import type { RadioMetadata, UplinkSource } from "./uplink-input";

/** units of Cayenne LPP fields, by the field's type (the part of `<type>_<channel>` before the channel) */
const LPP_UNITS: Record<string, string> = {
  temperature: "degC",
  relativeHumidity: "%",
  barometricPressure: "hPa",
  illuminance: "lux",
  voltage: "V",
  current: "A",
  frequency: "Hz",
  percentage: "%",
  altitude: "m",
  concentration: "ppm",
  power: "W",
  distance: "m",
  energy: "kWh",
  direction: "deg",
  accelerometer: "G",
  gyrometer: "deg/s",
};

export interface LorawanEventInput {
  deviceName: string;
  devEui: string;
  devAddr?: string;
  profileName: string;
  source: UplinkSource;
  fCnt?: number;
  fPort?: number;
  /** a ConfirmedDataUp (the device asked for an ACK) */
  confirmed?: boolean;
  /** the frame's MType, when the frame itself was read */
  mType?: string;
  /** FCtrl.ACK of the uplink: the device acknowledges our last confirmed downlink */
  downlinkAcked?: boolean;
  origin: number;
  data: Record<string, unknown>;
  radio: RadioMetadata;
  /** the codec's warnings, kept with the event */
  warnings?: string[];
}

export function lorawanEvent(input: LorawanEventInput): EdgeEvent {
  const readings: Reading[] = [];
  for (const [resourceName, value] of Object.entries(input.data)) {
    if (value === undefined || value === null) continue;
    const valueType = valueTypeOf(value);
    const units = input.profileName === "cayenne-lpp" ? LPP_UNITS[resourceName.replace(/_\d+$/, "")] : undefined;
    readings.push({
      id: randomUUID(),
      origin: input.origin,
      deviceName: input.deviceName,
      resourceName,
      profileName: input.profileName,
      valueType,
      value: value as Reading["value"],
      ...(units ? { units } : {}),
    });
  }
  const lorawan: Record<string, unknown> = {
    source: input.source,
    devEui: input.devEui,
    ...(input.devAddr ? { devAddr: input.devAddr } : {}),
    ...(input.fCnt !== undefined ? { fCnt: input.fCnt } : {}),
    ...(input.fPort !== undefined ? { fPort: input.fPort } : {}),
    confirmed: input.confirmed ?? false,
    ...(input.mType ? { mType: input.mType } : {}),
    ...(input.downlinkAcked ? { downlinkAcked: true } : {}),
    ...input.radio,
    ...(input.warnings?.length ? { warnings: input.warnings } : {}),
  };
  return { id: newEventId(), deviceName: input.deviceName, profileName: input.profileName, sourceName: "lorawan-uplink", origin: input.origin, readings, metadata: { lorawan } };
}

function valueTypeOf(value: unknown): ValueType {
  if (typeof value === "boolean") return "Bool";
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) <= 0x7fffffff ? "Int32" : "Float64";
  if (typeof value === "string") return "String";
  return "Object";
}
