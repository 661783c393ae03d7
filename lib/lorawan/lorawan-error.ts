/** Why a LoRaWAN input was refused: a stable reason code for the error output, and a sentence for people. */
export type LorawanErrorReason =
  | "malformed-input"
  | "truncated-frame"
  | "not-a-data-frame"
  | "unknown-device"
  | "bad-mic"
  | "replay"
  | "fcnt-gap"
  | "codec"
  | "bad-downlink";

export class LorawanError extends Error {
  constructor(
    readonly reason: LorawanErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "LorawanError";
  }
}
