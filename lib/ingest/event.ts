/**
 * The normalised event every source of the pack emits (edge-ingest, edge-lorawan-uplink, edge-sim through ingest),
 * so rules, models and exports treat every device alike. Modelled on EdgeX's event/reading, with typed values and
 * origins in epoch milliseconds.
 */
export type ValueType =
  | "Bool"
  | "Int8" | "Int16" | "Int32" | "Int64"
  | "Uint8" | "Uint16" | "Uint32" | "Uint64"
  | "Float32" | "Float64"
  | "String"
  | "Object";

export type ReadingValue = number | boolean | string | Record<string, unknown> | unknown[];

export interface Reading {
  id: string;
  /** epoch milliseconds */
  origin: number;
  deviceName: string;
  resourceName: string;
  profileName: string;
  valueType: ValueType;
  value: ReadingValue;
  units?: string;
  /** e.g. "out-of-range" when the node keeps and flags such readings */
  flags?: string[];
  /** the value before the probe's calibration offset (present only on a calibrated probe's reading) */
  rawValue?: number;
  /** the calibration that corrected value: value = rawValue + offset; due in epoch ms */
  calibration?: { offset: number; certificate?: string; due?: number };
}

export interface EdgeEvent {
  id: string;
  deviceName: string;
  profileName: string;
  sourceName: string;
  /** epoch milliseconds */
  origin: number;
  readings: Reading[];
  /** source-specific context kept with the event (e.g. LoRaWAN radio metadata) */
  metadata?: Record<string, unknown>;
}
