/**
 * Modbus PDUs (function code + data) for the eight public function codes the pack uses, both sides: a master
 * encodes requests and decodes responses, a server decodes requests and encodes responses. Every decoder checks
 * lengths and counts against the spec's limits before it reads, and throws ModbusProtocolError rather than read
 * past a buffer: a peer decides what bytes arrive, never how much we allocate or how long we loop.
 */
import { ModbusExceptionError, ModbusProtocolError } from "./errors";

export const FC = {
  readCoils: 1,
  readDiscreteInputs: 2,
  readHoldingRegisters: 3,
  readInputRegisters: 4,
  writeSingleCoil: 5,
  writeSingleRegister: 6,
  writeMultipleCoils: 15,
  writeMultipleRegisters: 16,
} as const;
export type FunctionCode = (typeof FC)[keyof typeof FC];

const KNOWN: ReadonlySet<number> = new Set(Object.values(FC));

/** the spec's quantity limits (Modbus Application Protocol 1.1b3, §6) */
export const LIMITS = {
  readBits: 2000,
  readRegisters: 125,
  writeBits: 1968,
  writeRegisters: 123,
  /** a PDU is at most 253 bytes (256 on RS-485 minus address and CRC) */
  pdu: 253,
} as const;

export const EXCEPTION = {
  illegalFunction: 1,
  illegalDataAddress: 2,
  illegalDataValue: 3,
  serverDeviceFailure: 4,
  acknowledge: 5,
  serverDeviceBusy: 6,
  gatewayPathUnavailable: 10,
  gatewayTargetFailed: 11,
} as const;

export type Request =
  | { fc: 1 | 2; address: number; quantity: number }
  | { fc: 3 | 4; address: number; quantity: number }
  | { fc: 5; address: number; value: boolean }
  | { fc: 6; address: number; value: number }
  | { fc: 15; address: number; values: boolean[] }
  | { fc: 16; address: number; values: number[] };

export type Response =
  | { fc: 1 | 2; bits: boolean[] }
  | { fc: 3 | 4; registers: number[] }
  | { fc: 5; address: number; value: boolean }
  | { fc: 6; address: number; value: number }
  | { fc: 15 | 16; address: number; quantity: number };

function checkAddress(address: number, quantity: number): void {
  if (!Number.isInteger(address) || address < 0 || address > 0xffff) throw new RangeError(`address ${address} is not 0…65535`);
  if (address + quantity > 0x10000) throw new RangeError(`address ${address} + ${quantity} runs past 65535`);
}

function checkQuantity(quantity: number, max: number, what: string): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > max) throw new RangeError(`${what}: quantity ${quantity} is not 1…${max}`);
}

function checkRegister(v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`register value ${v} is not 0…65535`);
}

/** a request's PDU; throws RangeError for what the spec does not allow (caller's bug or bad user input) */
export function encodeRequest(r: Request): Buffer {
  switch (r.fc) {
    case 1:
    case 2:
    case 3:
    case 4: {
      checkQuantity(r.quantity, r.fc <= 2 ? LIMITS.readBits : LIMITS.readRegisters, `function ${r.fc}`);
      checkAddress(r.address, r.quantity);
      const b = Buffer.alloc(5);
      b[0] = r.fc;
      b.writeUInt16BE(r.address, 1);
      b.writeUInt16BE(r.quantity, 3);
      return b;
    }
    case 5: {
      checkAddress(r.address, 1);
      const b = Buffer.alloc(5);
      b[0] = 5;
      b.writeUInt16BE(r.address, 1);
      b.writeUInt16BE(r.value ? 0xff00 : 0x0000, 3);
      return b;
    }
    case 6: {
      checkAddress(r.address, 1);
      checkRegister(r.value);
      const b = Buffer.alloc(5);
      b[0] = 6;
      b.writeUInt16BE(r.address, 1);
      b.writeUInt16BE(r.value, 3);
      return b;
    }
    case 15: {
      checkQuantity(r.values.length, LIMITS.writeBits, "function 15");
      checkAddress(r.address, r.values.length);
      const bytes = packBits(r.values);
      const b = Buffer.alloc(6 + bytes.length);
      b[0] = 15;
      b.writeUInt16BE(r.address, 1);
      b.writeUInt16BE(r.values.length, 3);
      b[5] = bytes.length;
      bytes.copy(b, 6);
      return b;
    }
    case 16: {
      checkQuantity(r.values.length, LIMITS.writeRegisters, "function 16");
      checkAddress(r.address, r.values.length);
      const b = Buffer.alloc(6 + r.values.length * 2);
      b[0] = 16;
      b.writeUInt16BE(r.address, 1);
      b.writeUInt16BE(r.values.length, 3);
      b[5] = r.values.length * 2;
      r.values.forEach((v, i) => {
        checkRegister(v);
        b.writeUInt16BE(v, 6 + i * 2);
      });
      return b;
    }
  }
}

export function packBits(values: boolean[]): Buffer {
  const bytes = Buffer.alloc(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v) bytes[i >> 3] |= 1 << (i & 7);
  });
  return bytes;
}

function unpackBits(bytes: Buffer, count: number): boolean[] {
  const out: boolean[] = new Array<boolean>(count);
  for (let i = 0; i < count; i++) out[i] = ((bytes[i >> 3] >> (i & 7)) & 1) === 1;
  return out;
}

function need(pdu: Buffer, length: number, what: string): void {
  if (pdu.length !== length) throw new ModbusProtocolError(`${what}: ${pdu.length} bytes, expected ${length}`);
}

/**
 * The response to `req`, checked against it: the function code, byte count, echoed address and quantity must
 * match, or the response belongs to something else. An exception response throws ModbusExceptionError.
 */
export function decodeResponse(req: Request, pdu: Buffer): Response {
  if (pdu.length < 1 || pdu.length > LIMITS.pdu) throw new ModbusProtocolError(`a response PDU of ${pdu.length} bytes`);
  const fc = pdu[0];
  if (fc === (req.fc | 0x80)) {
    need(pdu, 2, "exception response");
    throw new ModbusExceptionError(req.fc, pdu[1]);
  }
  if (fc !== req.fc) throw new ModbusProtocolError(`response function ${fc} to a request of function ${req.fc}`);
  switch (req.fc) {
    case 1:
    case 2: {
      const expected = Math.ceil(req.quantity / 8);
      if (pdu.length < 2 || pdu[1] !== expected) throw new ModbusProtocolError(`function ${fc}: byte count ${pdu[1]} for ${req.quantity} bits (expected ${expected})`);
      need(pdu, 2 + expected, `function ${fc}`);
      return { fc: req.fc, bits: unpackBits(pdu.subarray(2), req.quantity) };
    }
    case 3:
    case 4: {
      const expected = req.quantity * 2;
      if (pdu.length < 2 || pdu[1] !== expected) throw new ModbusProtocolError(`function ${fc}: byte count ${pdu[1]} for ${req.quantity} registers (expected ${expected})`);
      need(pdu, 2 + expected, `function ${fc}`);
      const registers: number[] = new Array<number>(req.quantity);
      for (let i = 0; i < req.quantity; i++) registers[i] = pdu.readUInt16BE(2 + i * 2);
      return { fc: req.fc, registers };
    }
    case 5:
    case 6: {
      need(pdu, 5, `function ${fc}`);
      const address = pdu.readUInt16BE(1);
      const raw = pdu.readUInt16BE(3);
      const sent = encodeRequest(req);
      if (!sent.equals(pdu)) throw new ModbusProtocolError(`function ${fc}: the echo (address ${address}, value ${raw}) does not match the request`);
      return req.fc === 5 ? { fc: 5, address, value: raw === 0xff00 } : { fc: 6, address, value: raw };
    }
    case 15:
    case 16: {
      need(pdu, 5, `function ${fc}`);
      const address = pdu.readUInt16BE(1);
      const quantity = pdu.readUInt16BE(3);
      if (address !== req.address || quantity !== req.values.length) throw new ModbusProtocolError(`function ${fc}: the reply (address ${address}, quantity ${quantity}) does not match the request`);
      return { fc: req.fc, address, quantity };
    }
  }
}

/** what a server makes of a request PDU: a request, or the exception code to answer with */
export type DecodedRequest = { ok: true; request: Request } | { ok: false; fc: number; exception: number };

/** a server's reading of a request PDU (never throws: every malformed PDU maps to an exception code) */
export function decodeRequest(pdu: Buffer): DecodedRequest {
  const fc = pdu.length > 0 ? pdu[0] : 0;
  const fail = (exception: number): DecodedRequest => ({ ok: false, fc: fc & 0x7f, exception });
  if (pdu.length < 1 || pdu.length > LIMITS.pdu) return fail(EXCEPTION.illegalDataValue);
  if (!KNOWN.has(fc)) return fail(EXCEPTION.illegalFunction);
  if (pdu.length < 5) return fail(EXCEPTION.illegalDataValue);
  const address = pdu.readUInt16BE(1);
  const word = pdu.readUInt16BE(3);
  switch (fc) {
    case 1:
    case 2:
    case 3:
    case 4: {
      if (pdu.length !== 5) return fail(EXCEPTION.illegalDataValue);
      const max = fc <= 2 ? LIMITS.readBits : LIMITS.readRegisters;
      if (word < 1 || word > max) return fail(EXCEPTION.illegalDataValue);
      if (address + word > 0x10000) return fail(EXCEPTION.illegalDataAddress);
      return { ok: true, request: { fc, address, quantity: word } as Request };
    }
    case 5:
      if (pdu.length !== 5 || (word !== 0xff00 && word !== 0)) return fail(EXCEPTION.illegalDataValue);
      return { ok: true, request: { fc: 5, address, value: word === 0xff00 } };
    case 6:
      if (pdu.length !== 5) return fail(EXCEPTION.illegalDataValue);
      return { ok: true, request: { fc: 6, address, value: word } };
    case 15:
    case 16: {
      if (pdu.length < 6) return fail(EXCEPTION.illegalDataValue);
      const byteCount = pdu[5];
      const max = fc === 15 ? LIMITS.writeBits : LIMITS.writeRegisters;
      const expected = fc === 15 ? Math.ceil(word / 8) : word * 2;
      if (word < 1 || word > max || byteCount !== expected || pdu.length !== 6 + byteCount) return fail(EXCEPTION.illegalDataValue);
      if (address + word > 0x10000) return fail(EXCEPTION.illegalDataAddress);
      const data = pdu.subarray(6);
      if (fc === 15) return { ok: true, request: { fc: 15, address, values: unpackBits(data, word) } };
      const values: number[] = [];
      for (let i = 0; i < word; i++) values.push(data.readUInt16BE(i * 2));
      return { ok: true, request: { fc: 16, address, values } };
    }
  }
  return fail(EXCEPTION.illegalFunction);
}

/** a server's response PDU */
export function encodeResponse(r: Response): Buffer {
  switch (r.fc) {
    case 1:
    case 2: {
      const bytes = packBits(r.bits);
      return Buffer.concat([Buffer.from([r.fc, bytes.length]), bytes]);
    }
    case 3:
    case 4: {
      const b = Buffer.alloc(2 + r.registers.length * 2);
      b[0] = r.fc;
      b[1] = r.registers.length * 2;
      r.registers.forEach((v, i) => b.writeUInt16BE(v & 0xffff, 2 + i * 2));
      return b;
    }
    case 5:
    case 6: {
      const b = Buffer.alloc(5);
      b[0] = r.fc;
      b.writeUInt16BE(r.address, 1);
      b.writeUInt16BE(r.fc === 5 ? (r.value ? 0xff00 : 0) : r.value & 0xffff, 3);
      return b;
    }
    case 15:
    case 16: {
      const b = Buffer.alloc(5);
      b[0] = r.fc;
      b.writeUInt16BE(r.address, 1);
      b.writeUInt16BE(r.quantity, 3);
      return b;
    }
  }
}

export function encodeException(fc: number, exception: number): Buffer {
  return Buffer.from([(fc | 0x80) & 0xff, exception & 0xff]);
}
