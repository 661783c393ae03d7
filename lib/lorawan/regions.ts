/**
 * The regional parameters a network server needs to answer a Class A or Class C device (LoRaWAN Regional
 * Parameters RP002-1.0.x, LoRa data rates only): the data-rate table, where and how fast RX1 answers an uplink
 * (channel and RX1DROffset), and the RX2 defaults. Frequencies in Hz.
 */
export type RegionName = "EU868" | "US915" | "AU915" | "AS923" | "AS923-2" | "AS923-3" | "AS923-4" | "IN865";

export const REGION_NAMES: RegionName[] = ["EU868", "US915", "AU915", "AS923", "AS923-2", "AS923-3", "AS923-4", "IN865"];

export interface LoraDataRate {
  sf: number;
  /** kHz */
  bw: number;
}

export interface Region {
  name: RegionName;
  /** uplink and downlink data rates of the region, by DR index */
  dataRates: Record<number, LoraDataRate>;
  /** the DR indexes downlinks use (US915 and AU915 answer at 500 kHz only) */
  downlinkDataRates: number[];
  /** the RX1DROffset values a device may be given */
  maxRx1DrOffset: number;
  rx1DataRate(uplinkDr: number, rx1DrOffset: number): number;
  rx1FrequencyHz(uplinkFrequencyHz: number, uplinkDr: number): number;
  rx2: { frequencyHz: number; dataRate: number };
  /** a conservative gateway TX power, dBm (the region's limits allow more on some sub-bands) */
  txPowerDbm: number;
}

const SF12_TO_SF7_125: Record<number, LoraDataRate> = { 0: { sf: 12, bw: 125 }, 1: { sf: 11, bw: 125 }, 2: { sf: 10, bw: 125 }, 3: { sf: 9, bw: 125 }, 4: { sf: 8, bw: 125 }, 5: { sf: 7, bw: 125 } };
/** US915 and AU915 downlinks: DR8 to DR13 at 500 kHz */
const DOWN_500: Record<number, LoraDataRate> = { 8: { sf: 12, bw: 500 }, 9: { sf: 11, bw: 500 }, 10: { sf: 10, bw: 500 }, 11: { sf: 9, bw: 500 }, 12: { sf: 8, bw: 500 }, 13: { sf: 7, bw: 500 } };

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** AS923 and IN865: RX1DROffset 6 and 7 raise the data rate (effective offsets -1 and -2) */
const EFFECTIVE_OFFSET = [0, 1, 2, 3, 4, 5, -1, -2];

/** 125 kHz channels from `first` every 200 kHz (0–63), 500 kHz channels from `first500` every 1.6 MHz (64–71); downlink channel = uplink channel mod 8, from 923.3 MHz every 600 kHz */
function hybridRx1FrequencyHz(first: number, first500: number, region: () => Region) {
  return (uplinkHz: number, uplinkDr: number): number => {
    const bw = region().dataRates[uplinkDr]?.bw;
    const channel = bw === 500 ? 64 + Math.round((uplinkHz - first500) / 1_600_000) : Math.round((uplinkHz - first) / 200_000);
    return 923_300_000 + (((channel % 8) + 8) % 8) * 600_000;
  };
}

function as923(name: RegionName, offsetHz: number): Region {
  return {
    name,
    dataRates: { ...SF12_TO_SF7_125, 6: { sf: 7, bw: 250 } },
    downlinkDataRates: [0, 1, 2, 3, 4, 5, 6],
    maxRx1DrOffset: 7,
    rx1DataRate: (dr, off) => Math.min(5, Math.max(0, dr - EFFECTIVE_OFFSET[off])),
    rx1FrequencyHz: (hz) => hz,
    rx2: { frequencyHz: 923_200_000 + offsetHz, dataRate: 2 },
    txPowerDbm: 14,
  };
}

export const REGIONS: Record<RegionName, Region> = {
  EU868: {
    name: "EU868",
    dataRates: { ...SF12_TO_SF7_125, 6: { sf: 7, bw: 250 } },
    downlinkDataRates: [0, 1, 2, 3, 4, 5, 6],
    maxRx1DrOffset: 5,
    rx1DataRate: (dr, off) => Math.max(0, dr - off),
    rx1FrequencyHz: (hz) => hz,
    rx2: { frequencyHz: 869_525_000, dataRate: 0 },
    txPowerDbm: 14,
  },
  US915: {
    name: "US915",
    dataRates: { 0: { sf: 10, bw: 125 }, 1: { sf: 9, bw: 125 }, 2: { sf: 8, bw: 125 }, 3: { sf: 7, bw: 125 }, 4: { sf: 8, bw: 500 }, ...DOWN_500 },
    downlinkDataRates: [8, 9, 10, 11, 12, 13],
    maxRx1DrOffset: 3,
    rx1DataRate: (dr, off) => clamp(10 + dr - off, 8, 13),
    rx1FrequencyHz: hybridRx1FrequencyHz(902_300_000, 903_000_000, () => REGIONS.US915),
    rx2: { frequencyHz: 923_300_000, dataRate: 8 },
    txPowerDbm: 20,
  },
  AU915: {
    name: "AU915",
    dataRates: { ...SF12_TO_SF7_125, 6: { sf: 8, bw: 500 }, ...DOWN_500 },
    downlinkDataRates: [8, 9, 10, 11, 12, 13],
    maxRx1DrOffset: 5,
    rx1DataRate: (dr, off) => clamp(8 + dr - off, 8, 13),
    rx1FrequencyHz: hybridRx1FrequencyHz(915_200_000, 915_900_000, () => REGIONS.AU915),
    rx2: { frequencyHz: 923_300_000, dataRate: 8 },
    txPowerDbm: 20,
  },
  // AS923-1, DownlinkDwellTime 0 (MinDR 0); AS923-2, -3 and -4 are the same plan shifted by -1.8, -6.6 and -5.9 MHz
  AS923: as923("AS923", 0),
  "AS923-2": as923("AS923-2", -1_800_000),
  "AS923-3": as923("AS923-3", -6_600_000),
  "AS923-4": as923("AS923-4", -5_900_000),
  IN865: {
    name: "IN865",
    dataRates: { ...SF12_TO_SF7_125 },
    downlinkDataRates: [0, 1, 2, 3, 4, 5],
    maxRx1DrOffset: 7,
    rx1DataRate: (dr, off) => Math.min(5, Math.max(0, dr - EFFECTIVE_OFFSET[off])),
    rx1FrequencyHz: (hz) => hz,
    rx2: { frequencyHz: 866_550_000, dataRate: 2 },
    txPowerDbm: 20,
  },
};

const normName = (name: string) => name.toUpperCase().replace(/[\s_-]/g, "");
const BY_NORM_NAME = new Map<string, Region>([...REGION_NAMES.map((n): [string, Region] => [normName(n), REGIONS[n]]), ["AS9231", REGIONS.AS923]]);

/** a region by any usual spelling: "EU868", "eu868", "AS923-1", "AS923_2" */
export function regionNamed(name: string | undefined): Region | undefined {
  return BY_NORM_NAME.get(normName(String(name ?? "")));
}

/** the forwarder's notation, e.g. "SF9BW125" */
export function datr(rate: LoraDataRate): string {
  return `SF${rate.sf}BW${rate.bw}`;
}

/** the DR index of a data rate as the forwarder writes it; undefined when the region has no such LoRa rate */
export function dataRateIndex(region: Region, datrText: string, uplink = true): number | undefined {
  const m = /^SF(\d+)BW(\d+)$/.exec(datrText);
  if (!m) return undefined;
  const sf = Number(m[1]);
  const bw = Number(m[2]);
  const found = Object.entries(region.dataRates).filter(([, r]) => r.sf === sf && r.bw === bw).map(([dr]) => Number(dr));
  // US915 DR4 and DR12 are both SF8BW500: an uplink is the lower index, a downlink the higher
  return found.length === 0 ? undefined : uplink ? Math.min(...found) : Math.max(...found);
}

export interface WindowParameters {
  frequencyHz: number;
  dataRate: number;
  datr: string;
}

/** RX1 of an uplink heard at `uplinkFrequencyHz` with data rate `uplinkDatr` */
export function rx1Parameters(region: Region, uplinkFrequencyHz: number, uplinkDatr: string, rx1DrOffset = 0): WindowParameters | undefined {
  const upDr = dataRateIndex(region, uplinkDatr, true);
  if (upDr === undefined || rx1DrOffset < 0 || rx1DrOffset > region.maxRx1DrOffset) return undefined;
  const dr = region.rx1DataRate(upDr, rx1DrOffset);
  const rate = region.dataRates[dr];
  return rate && { frequencyHz: region.rx1FrequencyHz(uplinkFrequencyHz, upDr), dataRate: dr, datr: datr(rate) };
}

/** RX2 (and Class C's continuous receive window): the region's defaults unless the device was given others */
export function rx2Parameters(region: Region, override: { frequencyHz?: number; dataRate?: number } = {}): WindowParameters | undefined {
  const dr = override.dataRate ?? region.rx2.dataRate;
  const rate = region.dataRates[dr];
  return rate && { frequencyHz: override.frequencyHz ?? region.rx2.frequencyHz, dataRate: dr, datr: datr(rate) };
}
