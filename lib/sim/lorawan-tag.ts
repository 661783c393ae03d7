/**
 * Turns a LoRaWAN tag's reading into what the gateway would really receive: a Cayenne LPP payload in an
 * encrypted, MIC-signed ABP uplink frame, carried either by a ChirpStack v4 `event/up` (as the network
 * server publishes it, payload already decrypted) or by a Semtech packet-forwarder PUSH_DATA datagram.
 */
import * as crypto from "crypto";
import lora from "lora-packet";
import { SeededRandom } from "./random";

export interface LorawanSessionKeys {
  devEui: string;
  devAddr: string;
  nwkSKey: string;
  appSKey: string;
}

/** Deterministic demo keys for a simulated tag, derived from the seed and the device name. */
export function demoKeys(seed: number, device: string): LorawanSessionKeys {
  const h = (label: string, bytes: number) => crypto.createHash("sha256").update(`${seed}/${device}/${label}`).digest().subarray(0, bytes).toString("hex").toUpperCase();
  const devAddr = "26" + h("devaddr", 3);
  return { devEui: "70B3D5" + h("deveui", 5), devAddr, nwkSKey: h("nwkskey", 16), appSKey: h("appskey", 16) };
}

/** Cayenne LPP: channel 1 temperature (0.1 °C, signed), channel 2 relative humidity (0.5 %). */
export function encodeTemperatureHumidityLpp(temperatureC: number, humidityPct: number): Buffer {
  const t = Math.round(temperatureC * 10);
  const out = Buffer.alloc(7);
  out.writeUInt8(1, 0);
  out.writeUInt8(103, 1);
  out.writeInt16BE(Math.max(-32768, Math.min(32767, t)), 2);
  out.writeUInt8(2, 4);
  out.writeUInt8(104, 5);
  out.writeUInt8(Math.max(0, Math.min(255, Math.round(humidityPct * 2))), 6);
  return out;
}

/** `confirmed`: a ConfirmedDataUp, which the network acknowledges with FCtrl.ACK in RX1 or RX2 */
export function buildUplink(keys: LorawanSessionKeys, fCnt: number, fPort: number, payload: Buffer, options: { confirmed?: boolean } = {}): Buffer {
  const msb = Buffer.alloc(2);
  msb.writeUInt16LE((fCnt >>> 16) & 0xffff, 0);
  const packet = lora.fromFields(
    { MType: options.confirmed ? "Confirmed Data Up" : "Unconfirmed Data Up", DevAddr: Buffer.from(keys.devAddr, "hex"), FCnt: fCnt & 0xffff, FPort: fPort, payload },
    Buffer.from(keys.appSKey, "hex"),
    Buffer.from(keys.nwkSKey, "hex"),
    undefined,
    msb,
  );
  return packet.getPHYPayload() as Buffer;
}

export interface RadioConditions {
  gatewayEui: string;
  rssi: number;
  snr: number;
  sf: number;
  frequencyHz: number;
  ts: number;
}

export function radioFor(rnd: SeededRandom, gatewayEui: string, ts: number): RadioConditions {
  const sf = 7 + rnd.int(0, 3);
  const frequencyHz = [868100000, 868300000, 868500000][rnd.int(0, 2)];
  return { gatewayEui, rssi: Math.round(rnd.gaussian(-95, 8)), snr: Math.round(rnd.gaussian(6, 3) * 10) / 10, sf, frequencyHz, ts };
}

/** ChirpStack v4 MQTT integration event (`application/{id}/device/{devEui}/event/up`). */
export function chirpstackUplink(device: string, keys: LorawanSessionKeys, fCnt: number, fPort: number, payload: Buffer, radio: RadioConditions, applicationId: string) {
  return {
    topic: `application/${applicationId}/device/${keys.devEui.toLowerCase()}/event/up`,
    event: {
      deduplicationId: uuidFrom(`${keys.devEui}/${fCnt}/${radio.ts}`),
      time: new Date(radio.ts).toISOString(),
      deviceInfo: {
        tenantId: "00000000-0000-0000-0000-000000000001",
        tenantName: "retail",
        applicationId,
        applicationName: "cold-chain",
        deviceProfileId: "00000000-0000-0000-0000-0000000000a1",
        deviceProfileName: "lpp-temperature-tag",
        deviceName: device,
        devEui: keys.devEui.toLowerCase(),
        tags: {},
      },
      devAddr: keys.devAddr.toLowerCase(),
      adr: true,
      dr: 12 - radio.sf,
      fCnt,
      fPort,
      confirmed: false,
      data: payload.toString("base64"),
      rxInfo: [{ gatewayId: radio.gatewayEui.toLowerCase(), uplinkId: fCnt, rssi: radio.rssi, snr: radio.snr, context: "AAAAAA==" }],
      txInfo: { frequency: radio.frequencyHz, modulation: { lora: { bandwidth: 125000, spreadingFactor: radio.sf, codeRate: "CR_4_5" } } },
    },
  };
}

/** A Semtech packet-forwarder (protocol v2) PUSH_DATA datagram carrying one rxpk. */
export function pushData(phyPayload: Buffer, radio: RadioConditions, token: number): Buffer {
  const rxpk = {
    time: new Date(radio.ts).toISOString(),
    tmst: (radio.ts * 1000) >>> 0,
    chan: 0,
    rfch: 0,
    freq: radio.frequencyHz / 1e6,
    stat: 1,
    modu: "LORA",
    datr: `SF${radio.sf}BW125`,
    codr: "4/5",
    rssi: radio.rssi,
    lsnr: radio.snr,
    size: phyPayload.length,
    data: phyPayload.toString("base64"),
  };
  const header = Buffer.alloc(12);
  header.writeUInt8(2, 0);
  header.writeUInt16BE(token & 0xffff, 1);
  header.writeUInt8(0x00, 3);
  Buffer.from(radio.gatewayEui, "hex").copy(header, 4);
  return Buffer.concat([header, Buffer.from(JSON.stringify({ rxpk: [rxpk] }))]);
}

/** A UUID-shaped id derived from its input, so the simulation stays deterministic. */
function uuidFrom(text: string): string {
  const h = crypto.createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
