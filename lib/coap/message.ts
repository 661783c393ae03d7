/**
 * The CoAP message codec (RFC 7252 §3): bytes ⇄ messages. Decoding never throws anything but CoapFormatError, whose
 * header (when the first four bytes were readable) lets a server answer a malformed confirmable message with RST.
 */
import { COAP_VERSION, MessageType } from "./constants";

export interface CoapOption {
  number: number;
  value: Buffer;
}

export interface CoapMessage {
  type: MessageType;
  code: number;
  messageId: number;
  token: Buffer;
  /** in any order when encoding; sorted by number (stable) when decoded */
  options: CoapOption[];
  payload: Buffer;
}

export class CoapFormatError extends Error {
  constructor(
    message: string,
    /** the fixed header when it could be read (version 1): enough to reject a CON with RST */
    readonly header?: { type: MessageType; messageId: number },
  ) {
    super(message);
    this.name = "CoapFormatError";
  }
}

const PAYLOAD_MARKER = 0xff;

export function decodeMessage(data: Buffer): CoapMessage {
  if (data.length < 4) throw new CoapFormatError(`datagram of ${data.length} bytes is shorter than a CoAP header`);
  const version = data[0] >> 6;
  if (version !== COAP_VERSION) throw new CoapFormatError(`unknown CoAP version ${version}`);
  const type = ((data[0] >> 4) & 0x03) as MessageType;
  const tokenLength = data[0] & 0x0f;
  const code = data[1];
  const messageId = data.readUInt16BE(2);
  const header = { type, messageId };
  if (tokenLength > 8) throw new CoapFormatError(`token length ${tokenLength} is over 8`, header);
  if (code === 0 && data.length !== 4) throw new CoapFormatError("an empty message carries bytes after its header", header);
  if ((code >> 5) === 1 || (code >> 5) === 6 || (code >> 5) === 7) throw new CoapFormatError(`reserved code class ${code >> 5}`, header);
  if (data.length < 4 + tokenLength) throw new CoapFormatError("datagram ends inside the token", header);
  const token = Buffer.from(data.subarray(4, 4 + tokenLength));
  const options: CoapOption[] = [];
  let offset = 4 + tokenLength;
  let number = 0;
  let payload: Buffer = Buffer.alloc(0);
  while (offset < data.length) {
    const first = data[offset++];
    if (first === PAYLOAD_MARKER) {
      if (offset === data.length) throw new CoapFormatError("payload marker followed by no payload", header);
      payload = Buffer.from(data.subarray(offset));
      break;
    }
    const delta = readExtended(first >> 4, "delta");
    const length = readExtended(first & 0x0f, "length");
    number += delta;
    if (offset + length > data.length) throw new CoapFormatError(`option ${number} runs past the end of the datagram`, header);
    options.push({ number, value: Buffer.from(data.subarray(offset, offset + length)) });
    offset += length;
  }
  return { type, code, messageId, token, options, payload };

  function readExtended(nibble: number, what: string): number {
    if (nibble < 13) return nibble;
    if (nibble === 15) throw new CoapFormatError(`reserved option ${what} nibble 15`, header);
    const size = nibble === 13 ? 1 : 2;
    if (offset + size > data.length) throw new CoapFormatError(`datagram ends inside an option ${what}`, header);
    const value = nibble === 13 ? data[offset] + 13 : data.readUInt16BE(offset) + 269;
    offset += size;
    return value;
  }
}

export function encodeMessage(message: CoapMessage): Buffer {
  if (message.token.length > 8) throw new RangeError("a CoAP token is at most 8 bytes");
  const sorted = message.options.map((o, i) => ({ o, i })).sort((a, b) => a.o.number - b.o.number || a.i - b.i).map(({ o }) => o);
  const parts: Buffer[] = [];
  const head = Buffer.alloc(4);
  head[0] = (COAP_VERSION << 6) | (message.type << 4) | message.token.length;
  head[1] = message.code;
  head.writeUInt16BE(message.messageId & 0xffff, 2);
  parts.push(head, message.token);
  let previous = 0;
  for (const option of sorted) {
    const delta = option.number - previous;
    previous = option.number;
    const [deltaNibble, deltaExt] = extended(delta);
    const [lengthNibble, lengthExt] = extended(option.value.length);
    parts.push(Buffer.of((deltaNibble << 4) | lengthNibble), deltaExt, lengthExt, option.value);
  }
  if (message.payload.length > 0) parts.push(Buffer.of(PAYLOAD_MARKER), message.payload);
  return Buffer.concat(parts);
}

function extended(value: number): [number, Buffer] {
  if (value < 13) return [value, Buffer.alloc(0)];
  if (value < 269) return [13, Buffer.of(value - 13)];
  if (value < 65805) {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(value - 269);
    return [14, b];
  }
  throw new RangeError(`option delta or length ${value} is too large`);
}

// ---------------------------------------------------------------- option values

/** An unsigned integer option value in the fewest bytes (0 is the empty value). */
export function uintOption(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`option value ${value} is not a 32-bit unsigned integer`);
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
}

export function readUint(value: Buffer): number {
  let n = 0;
  for (const byte of value.subarray(0, 4)) n = n * 256 + byte;
  return n;
}

export function optionValues(message: CoapMessage, number: number): Buffer[] {
  return message.options.filter((o) => o.number === number).map((o) => o.value);
}

export function firstOption(message: CoapMessage, number: number): Buffer | undefined {
  return message.options.find((o) => o.number === number)?.value;
}

export function uintOptionOf(message: CoapMessage, number: number): number | undefined {
  const value = firstOption(message, number);
  return value === undefined ? undefined : readUint(value);
}

export function withoutOptions(options: CoapOption[], ...numbers: number[]): CoapOption[] {
  return options.filter((o) => !numbers.includes(o.number));
}
