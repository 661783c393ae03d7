/**
 * The router_config an LNS sends a station after its version message: the region, its data-rate table, the
 * frequencies it may transmit on, the NetID and JoinEUI filters, and the SX1301 channel plan, all from this pack's
 * regional parameters (lib/lorawan/regions.ts) so a Station gateway hears and answers what the UDP path does.
 *
 * The uplink channels are each region's (RP002-1.0.x): EU868's three default channels and the five most networks
 * add (867.1–867.9 MHz) plus the 250 kHz channel at 868.3 MHz; US915 and AU915 one sub-band of eight 125 kHz
 * channels and its 500 kHz channel; AS923-1 its two default channels. Basics Station 2.0.6 recognises EU868,
 * US915, AU915 and AS923-1 (and KR920, IL915) as regions: it refuses every downlink in another, so IN865 and
 * AS923-2/-3/-4 are refused here with that reason rather than configured into a gateway that cannot answer.
 */
import { LoraDataRate, Region, RegionName } from "../regions";

export class RouterConfigError extends Error {
  override name = "RouterConfigError";
}

export interface RouterConfigOptions {
  /** US915 and AU915: which block of eight 125 kHz channels (1–8); 2 is what TTN and most US networks use */
  subBand?: number;
  /** NetIDs whose DevAddrs the station passes on; empty or absent: every frame */
  netIds?: number[];
  /** inclusive JoinEUI ranges whose Join-requests the station passes on; empty or absent: every one */
  joinEuiRanges?: Array<[bigint, bigint]>;
}

interface ChannelPlan {
  /** 125 kHz multi-SF channels, Hz */
  multiSf: number[];
  /** the single-SF channel (EU868 SF7BW250, US915/AU915 SF8BW500) */
  std?: { freqHz: number; rate: LoraDataRate };
  freqRange: [number, number];
  stationRegion: string;
}

/** one SX1301 radio covers about 925 kHz: channels may sit up to 400 kHz either side of its centre */
const MAX_IF_125 = 400_000;
const MAX_IF_WIDE = 300_000;

function plan(region: Region, subBand: number): ChannelPlan {
  switch (region.name) {
    case "EU868":
      return {
        multiSf: [868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000],
        std: { freqHz: 868_300_000, rate: region.dataRates[6] },
        freqRange: [863_000_000, 870_000_000],
        stationRegion: "EU868",
      };
    case "US915":
    case "AU915": {
      const [first125, first500, range, dr500]: [number, number, [number, number], number] =
        region.name === "US915" ? [902_300_000, 903_000_000, [902_000_000, 928_000_000], 4] : [915_200_000, 915_900_000, [915_000_000, 928_000_000], 6];
      const base = (subBand - 1) * 8;
      return {
        multiSf: Array.from({ length: 8 }, (_, i) => first125 + (base + i) * 200_000),
        std: { freqHz: first500 + (subBand - 1) * 1_600_000, rate: region.dataRates[dr500] },
        freqRange: range,
        stationRegion: region.name,
      };
    }
    case "AS923":
      return { multiSf: [923_200_000, 923_400_000], freqRange: [915_000_000, 928_000_000], stationRegion: "AS923-1" };
    default:
      throw new RouterConfigError(`Basics Station has no region for ${region.name} (it knows EU868, US915, AU915 and AS923-1): connect this gateway through the Semtech UDP packet forwarder instead`);
  }
}

/** the station's data-rate table: 16 rows of [SF, bandwidth kHz, downlink only]; SF -1 for an undefined rate */
export function stationDataRates(region: Region): Array<[number, number, number]> {
  return Array.from({ length: 16 }, (_, dr): [number, number, number] => {
    const rate = region.dataRates[dr];
    // in every region of this pack, DR8 and above are the 500 kHz downlink rates of US915 and AU915
    return rate ? [rate.sf, rate.bw, dr >= 8 ? 1 : 0] : [-1, 0, 0];
  });
}

interface RadioConf {
  enable: boolean;
  freq: number;
}

interface ChannelConf {
  enable: boolean;
  radio?: number;
  if?: number;
  bandwidth?: number;
  spread_factor?: number;
}

/**
 * Puts the channels on the two radios of an SX1301: the lowest channels on radio 0 as far as 800 kHz above the
 * first, the rest on radio 1; each radio centred on its channels; the single-SF channel on the radio nearest it.
 */
export function sx1301Conf(multiSf: number[], std?: { freqHz: number; rate: LoraDataRate }): Record<string, RadioConf | ChannelConf> {
  const sorted = [...multiSf].sort((a, b) => a - b);
  if (sorted.length > 8) throw new RouterConfigError(`${sorted.length} multi-SF channels: an SX1301 has 8`);
  const groups: number[][] = [[], []];
  for (const f of sorted) {
    const g = groups[0].length === 0 || f - groups[0][0] <= 2 * MAX_IF_125 ? 0 : 1;
    if (g === 1 && groups[1].length > 0 && f - groups[1][0] > 2 * MAX_IF_125) throw new RouterConfigError(`channels from ${sorted[0]} to ${f} Hz do not fit the two radios of an SX1301`);
    groups[g].push(f);
  }
  const centres = groups.map((g) => (g.length === 0 ? 0 : Math.round((g[0] + g[g.length - 1]) / 2)));
  const conf: Record<string, RadioConf | ChannelConf> = {
    radio_0: { enable: groups[0].length > 0, freq: centres[0] },
    radio_1: { enable: groups[1].length > 0, freq: centres[1] },
  };
  let n = 0;
  groups.forEach((g, radio) => {
    for (const f of g) conf[`chan_multiSF_${n++}`] = { enable: true, radio, if: f - centres[radio] };
  });
  while (n < 8) conf[`chan_multiSF_${n++}`] = { enable: false };
  if (std) {
    const candidates = [0, 1].filter((r) => groups[r].length > 0 && Math.abs(std.freqHz - centres[r]) <= MAX_IF_WIDE);
    if (candidates.length === 0) throw new RouterConfigError(`the ${std.rate.bw} kHz channel at ${std.freqHz} Hz is not within ${MAX_IF_WIDE} Hz of a radio's centre`);
    const radio = candidates.reduce((a, b) => (Math.abs(std.freqHz - centres[b]) < Math.abs(std.freqHz - centres[a]) ? b : a));
    conf.chan_Lora_std = { enable: true, radio, if: std.freqHz - centres[radio], bandwidth: std.rate.bw * 1000, spread_factor: std.rate.sf };
  } else conf.chan_Lora_std = { enable: false };
  conf.chan_FSK = { enable: false };
  return conf;
}

export interface RouterConfig {
  msgtype: "router_config";
  NetID: number[] | null;
  JoinEui: Array<[bigint, bigint]> | null;
  region: string;
  hwspec: string;
  freq_range: [number, number];
  DRs: Array<[number, number, number]>;
  sx1301_conf: Array<Record<string, RadioConf | ChannelConf>>;
  MuxTime: number;
}

/** The router_config for a station in `region`; throws RouterConfigError for a region Basics Station cannot run. */
export function routerConfig(region: Region, options: RouterConfigOptions = {}, now: () => number = Date.now): RouterConfig {
  const subBand = options.subBand ?? 2;
  if (!Number.isInteger(subBand) || subBand < 1 || subBand > 8) throw new RouterConfigError(`sub-band ${subBand}: US915 and AU915 have sub-bands 1 to 8`);
  for (const id of options.netIds ?? []) if (!Number.isInteger(id) || id < 0 || id > 0xffffff) throw new RouterConfigError(`NetID ${id} is not 24 bits`);
  for (const [lo, hi] of options.joinEuiRanges ?? []) if (lo > hi) throw new RouterConfigError("a JoinEUI range ends before it starts");
  const p = plan(region, subBand);
  return {
    msgtype: "router_config",
    NetID: options.netIds?.length ? options.netIds : null,
    JoinEui: options.joinEuiRanges?.length ? options.joinEuiRanges : null,
    region: p.stationRegion,
    hwspec: "sx1301/1",
    freq_range: p.freqRange,
    DRs: stationDataRates(region),
    sx1301_conf: [sx1301Conf(p.multiSf, p.std)],
    // no nocca/nodc/nodwell: duty cycle, listen-before-talk and dwell time stay the station's to enforce
    MuxTime: now() / 1000,
  };
}

/** the regions a station can be configured for, for the editor */
export const STATION_REGIONS: RegionName[] = ["EU868", "US915", "AU915", "AS923"];
