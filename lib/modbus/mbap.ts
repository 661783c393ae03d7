/**
 * Modbus TCP's MBAP header (transaction id, protocol 0, length, unit id) and a deframer for a TCP stream. The
 * deframer keeps at most one partial frame (≤ 260 bytes); a header it cannot trust (another protocol id, a length
 * outside 2…254) throws, because the stream has lost its framing and only a new connection recovers it.
 */
import { ModbusProtocolError } from "./errors";

export const MBAP_HEADER = 7;
export const MAX_ADU = MBAP_HEADER + 253;

export interface TcpFrame {
  transactionId: number;
  unitId: number;
  pdu: Buffer;
}

export function encodeTcpFrame(f: TcpFrame): Buffer {
  const b = Buffer.alloc(MBAP_HEADER + f.pdu.length);
  b.writeUInt16BE(f.transactionId & 0xffff, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt16BE(f.pdu.length + 1, 4);
  b[6] = f.unitId & 0xff;
  f.pdu.copy(b, MBAP_HEADER);
  return b;
}

export class TcpDeframer {
  private pending: Buffer = Buffer.alloc(0);

  /** the complete frames in what has arrived so far; throws ModbusProtocolError when the stream is not MBAP */
  push(chunk: Buffer): TcpFrame[] {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: TcpFrame[] = [];
    while (buf.length >= MBAP_HEADER) {
      const protocol = buf.readUInt16BE(2);
      const length = buf.readUInt16BE(4);
      if (protocol !== 0) throw new ModbusProtocolError(`MBAP protocol id ${protocol} (Modbus is 0)`);
      if (length < 2 || length > 254) throw new ModbusProtocolError(`MBAP length ${length} (2…254)`);
      const total = 6 + length;
      if (buf.length < total) break;
      frames.push({ transactionId: buf.readUInt16BE(0), unitId: buf[6], pdu: Buffer.from(buf.subarray(MBAP_HEADER, total)) });
      buf = buf.subarray(total);
    }
    this.pending = Buffer.from(buf);
    return frames;
  }

  reset(): void {
    this.pending = Buffer.alloc(0);
  }
}
