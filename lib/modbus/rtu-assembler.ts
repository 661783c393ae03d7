/**
 * Assembles an RTU master's response frame from serial bytes. RTU has no length field: the length follows from
 * the function code (and, for reads, the byte count), so the frame is complete when that many bytes are in,
 * however the bytes were split into chunks. An inter-byte silence longer than the frame gap (3.5 character times,
 * stretched for USB adapters' latency) ends a partial frame as noise. A wrong address or CRC is reported, not
 * resynchronised on: the master times out or retries, as the spec's master does.
 */
import { crcMatches } from "./crc16";
import { ModbusProtocolError } from "./errors";

export const MAX_RTU_FRAME = 256;

/** the length of a response frame from its first bytes, or undefined while there are too few to tell */
export function expectedResponseLength(head: Buffer): number | undefined {
  if (head.length < 2) return undefined;
  const fc = head[1];
  if (fc & 0x80) return 5;
  if (fc >= 1 && fc <= 4) return head.length < 3 ? undefined : 5 + head[2];
  if (fc === 5 || fc === 6 || fc === 15 || fc === 16) return 8;
  throw new ModbusProtocolError(`function ${fc} in a response frame`);
}

export type Assembled = { kind: "frame"; unitId: number; pdu: Buffer } | { kind: "error"; error: ModbusProtocolError };

export class RtuAssembler {
  private buf: Buffer = Buffer.alloc(0);
  private lastByteAt = 0;

  constructor(private readonly frameGapMs: number) {}

  reset(): void {
    this.buf = Buffer.alloc(0);
  }

  /** one complete frame (or why it is not one), or undefined while more bytes are needed */
  push(chunk: Buffer, now = Date.now()): Assembled | undefined {
    if (this.buf.length && now - this.lastByteAt > this.frameGapMs) this.buf = Buffer.alloc(0);
    this.lastByteAt = now;
    this.buf = Buffer.concat([this.buf, chunk.subarray(0, MAX_RTU_FRAME)]);
    let length: number | undefined;
    try {
      length = expectedResponseLength(this.buf);
    } catch (err) {
      this.reset();
      return { kind: "error", error: err as ModbusProtocolError };
    }
    if (length === undefined || this.buf.length < length) return undefined;
    const frame = this.buf.subarray(0, length);
    this.reset();
    if (!crcMatches(frame)) return { kind: "error", error: new ModbusProtocolError("CRC mismatch in a response frame") };
    return { kind: "frame", unitId: frame[0], pdu: Buffer.from(frame.subarray(1, length - 2)) };
  }
}

/** 3.5 character times at this baud (11 bits a character), at least 1.75 ms as the spec sets above 19200 baud */
export function silenceMs(baudRate: number): number {
  return Math.max(1.75, (3.5 * 11 * 1000) / baudRate);
}
