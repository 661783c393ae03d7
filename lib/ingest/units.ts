/**
 * Unit conversion from a resource's raw units to its declared units through convert-units. EdgeX profiles and
 * SenML name units in several ways (degF, °F, F, Cel, %RH …); they are mapped to convert-units' names first.
 */
import convert from "convert-units";

const ALIASES: Record<string, string> = {
  degf: "F", "°f": "F", f: "F", fahrenheit: "F",
  degc: "C", "°c": "C", c: "C", cel: "C", celsius: "C",
  k: "K", kelvin: "K",
  g: "g", gram: "g", grams: "g", kg: "kg", kilogram: "kg", lb: "lb", lbs: "lb", pound: "lb", oz: "oz",
  pa: "Pa", kpa: "kPa", hpa: "hPa", mpa: "MPa", bar: "bar", psi: "psi",
  "%": "%", "%rh": "%", percent: "%",
  a: "A", ma: "mA", v: "V", mv: "mV", w: "W", kw: "kW",
  m: "m", km: "km", s: "s", ms: "ms", min: "min", h: "h",
};

export function canonicalUnit(unit: string): string {
  return ALIASES[unit.trim().toLowerCase()] ?? unit.trim();
}

/** A converter for raw → declared units, or undefined when they are the same; throws when convert-units cannot. */
export function unitConverter(rawUnits: string, units: string): ((v: number) => number) | undefined {
  const from = canonicalUnit(rawUnits);
  const to = canonicalUnit(units);
  if (from === to) return undefined;
  if (from === "%" || to === "%") throw new Error(`cannot convert ${rawUnits} to ${units}`);
  try {
    convert(1).from(from as never).to(to as never);
  } catch (err) {
    throw new Error(`cannot convert ${rawUnits} to ${units}: ${(err as Error).message}`);
  }
  return (v: number) => convert(v).from(from as never).to(to as never);
}
