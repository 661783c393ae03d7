/**
 * Reads FlexBuffers (the schemaless format TFLite stores custom operators' options in): scalars, strings, keys,
 * maps and vectors, enough for custom_options. Values are looked up as the C++ reader does: a missing map key
 * reads as null, and AsInt / AsFloat / AsBool convert between the scalar types.
 */

export class FlexBufferError extends Error {}

const enum T {
  NULL = 0,
  INT = 1,
  UINT = 2,
  FLOAT = 3,
  KEY = 4,
  STRING = 5,
  INDIRECT_INT = 6,
  INDIRECT_UINT = 7,
  INDIRECT_FLOAT = 8,
  MAP = 9,
  VECTOR = 10,
  VECTOR_INT = 11,
  VECTOR_UINT = 12,
  VECTOR_FLOAT = 13,
  VECTOR_KEY = 14,
  VECTOR_INT2 = 16,
  VECTOR_FLOAT4 = 24,
  BLOB = 25,
  BOOL = 26,
  VECTOR_BOOL = 36,
}

export type FlexValue = null | number | boolean | string | Uint8Array | FlexValue[] | { [key: string]: FlexValue };

/** One value in the buffer: where it is, the width it is stored in, and (for offsets) the width of what it points to. */
export class FlexRef {
  constructor(
    private readonly view: DataView,
    private readonly at: number,
    private readonly parentWidth: number,
    private readonly byteWidth: number,
    readonly type: number,
  ) {}

  static root(bytes: Uint8Array): FlexRef {
    if (bytes.length < 3) throw new FlexBufferError("flexbuffer too short");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const rootWidth = bytes[bytes.length - 1];
    const packed = bytes[bytes.length - 2];
    if (![1, 2, 4, 8].includes(rootWidth) || bytes.length < rootWidth + 2) throw new FlexBufferError(`flexbuffer root width ${rootWidth} is invalid`);
    return new FlexRef(view, bytes.length - 2 - rootWidth, rootWidth, 1 << (packed & 3), packed >> 2);
  }

  get isNull(): boolean {
    return this.type === T.NULL;
  }

  asInt(): number {
    switch (this.type) {
      case T.INT:
        return this.readInt(this.at, this.parentWidth);
      case T.UINT:
      case T.BOOL:
        return this.readUint(this.at, this.parentWidth);
      case T.FLOAT:
        return Math.trunc(this.readFloat(this.at, this.parentWidth));
      case T.INDIRECT_INT:
        return this.readInt(this.target(), this.byteWidth);
      case T.INDIRECT_UINT:
        return this.readUint(this.target(), this.byteWidth);
      case T.INDIRECT_FLOAT:
        return Math.trunc(this.readFloat(this.target(), this.byteWidth));
      case T.STRING:
        return Number.parseInt(this.asString(), 10) || 0;
      default:
        return 0;
    }
  }

  /** The C++ reader's AsInt32: the 64-bit value truncated to 32 bits. */
  asInt32(): number {
    return this.asInt() | 0;
  }

  /** AsFloat: single precision, as the C++ reader returns it */
  asFloat(): number {
    return Math.fround(this.asDouble());
  }

  asDouble(): number {
    switch (this.type) {
      case T.FLOAT:
        return this.readFloat(this.at, this.parentWidth);
      case T.INDIRECT_FLOAT:
        return this.readFloat(this.target(), this.byteWidth);
      case T.STRING:
        return Number.parseFloat(this.asString()) || 0;
      default:
        return this.asInt();
    }
  }

  asBool(): boolean {
    if (this.type === T.BOOL) return this.readUint(this.at, this.parentWidth) !== 0;
    return this.asInt() !== 0;
  }

  asString(): string {
    if (this.type === T.STRING) {
      const at = this.target();
      const size = this.readUint(at - this.byteWidth, this.byteWidth);
      return utf8(this.bytesAt(at, size));
    }
    if (this.type === T.KEY) {
      const at = this.target();
      let end = at;
      while (end < this.view.byteLength && this.view.getUint8(end) !== 0) end++;
      return utf8(this.bytesAt(at, end - at));
    }
    return "";
  }

  /** The value of `key` in a map; a null reference when this is no map or the key is absent. */
  get(key: string): FlexRef {
    if (this.type !== T.MAP) return this.nullRef();
    const { at, size, keys, keyWidth } = this.mapLayout();
    for (let i = 0; i < size; i++) {
      const keyField = keys + i * keyWidth;
      const keyAt = keyField - this.readUint(keyField, keyWidth);
      if (this.keyEquals(keyAt, key)) return this.element(at, i, size);
    }
    return this.nullRef();
  }

  /** Every key of a map, in stored (sorted) order. */
  keys(): string[] {
    if (this.type !== T.MAP) return [];
    const { size, keys, keyWidth } = this.mapLayout();
    return Array.from({ length: size }, (_, i) => new FlexRef(this.view, keys + i * keyWidth, keyWidth, 1, T.KEY).asString());
  }

  /** Plain JavaScript value of the whole tree (bounded by the buffer: every read is range-checked). */
  toValue(depth = 0): FlexValue {
    if (depth > 64) throw new FlexBufferError("flexbuffer nested too deep");
    switch (this.type) {
      case T.NULL:
        return null;
      case T.BOOL:
        return this.asBool();
      case T.INT:
      case T.UINT:
      case T.INDIRECT_INT:
      case T.INDIRECT_UINT:
        return this.asInt();
      case T.FLOAT:
      case T.INDIRECT_FLOAT:
        return this.asDouble();
      case T.STRING:
      case T.KEY:
        return this.asString();
      case T.BLOB: {
        const at = this.target();
        return this.bytesAt(at, this.readUint(at - this.byteWidth, this.byteWidth)).slice();
      }
      case T.MAP: {
        const out: { [key: string]: FlexValue } = {};
        for (const k of this.keys()) out[k] = this.get(k).toValue(depth + 1);
        return out;
      }
      default:
        if (this.isVector()) {
          const at = this.target();
          // fixed-length typed vectors (2 to 4 elements) store no size
          const size = this.type >= T.VECTOR_INT2 && this.type <= T.VECTOR_FLOAT4 ? Math.floor((this.type - T.VECTOR_INT2) / 3) + 2 : this.vectorSize(at, this.byteWidth);
          return Array.from({ length: size }, (_, i) => this.element(at, i, size).toValue(depth + 1));
        }
        throw new FlexBufferError(`flexbuffer type ${this.type} is not supported`);
    }
  }

  /** Where a map's values and keys are; sizes and widths checked against the buffer, so no loop outruns it. */
  private mapLayout(): { at: number; size: number; keys: number; keyWidth: number } {
    const at = this.target();
    const w = this.byteWidth;
    const size = this.vectorSize(at, w);
    const keysField = at - 3 * w;
    const keys = keysField - this.readUint(keysField, w);
    const keyWidth = this.readUint(at - 2 * w, w);
    if (![1, 2, 4, 8].includes(keyWidth)) throw new FlexBufferError(`flexbuffer key width ${keyWidth} is invalid`);
    this.check(keys, size * keyWidth);
    // the values, then one type byte each
    this.check(at, size * w + size);
    return { at, size, keys, keyWidth };
  }

  private vectorSize(at: number, w: number): number {
    const size = this.readUint(at - w, w);
    this.check(at, size * w);
    return size;
  }

  private isVector(): boolean {
    return this.type === T.VECTOR || (this.type >= T.VECTOR_INT && this.type <= T.VECTOR_FLOAT4 && this.type !== 15) || this.type === T.VECTOR_BOOL;
  }

  private element(at: number, i: number, size: number): FlexRef {
    const w = this.byteWidth;
    if (this.type === T.MAP || this.type === T.VECTOR) {
      const packed = this.view.getUint8(at + size * w + i);
      return new FlexRef(this.view, at + i * w, w, 1 << (packed & 3), packed >> 2);
    }
    const elementType = this.type === T.VECTOR_BOOL ? T.BOOL : this.type >= T.VECTOR_INT2 ? ((this.type - T.VECTOR_INT2) % 3) + T.INT : this.type - T.VECTOR_INT + T.INT;
    return new FlexRef(this.view, at + i * w, w, 1, elementType);
  }

  private nullRef(): FlexRef {
    return new FlexRef(this.view, 0, 1, 1, T.NULL);
  }

  private target(): number {
    const to = this.at - this.readUint(this.at, this.parentWidth);
    if (to < 0 || to >= this.view.byteLength) throw new FlexBufferError("flexbuffer offset outside the buffer");
    return to;
  }

  private keyEquals(at: number, key: string): boolean {
    const want = Buffer.from(key, "utf8");
    for (let i = 0; i < want.length; i++) if (this.byteAt(at + i) !== want[i]) return false;
    return this.byteAt(at + want.length) === 0;
  }

  private byteAt(at: number): number {
    if (at < 0 || at >= this.view.byteLength) throw new FlexBufferError("flexbuffer read outside the buffer");
    return this.view.getUint8(at);
  }

  private bytesAt(at: number, length: number): Uint8Array {
    if (at < 0 || at + length > this.view.byteLength) throw new FlexBufferError("flexbuffer read outside the buffer");
    return new Uint8Array(this.view.buffer, this.view.byteOffset + at, length);
  }

  private check(at: number, width: number): void {
    if (at < 0 || at + width > this.view.byteLength) throw new FlexBufferError("flexbuffer read outside the buffer");
  }

  private readUint(at: number, width: number): number {
    this.check(at, width);
    switch (width) {
      case 1:
        return this.view.getUint8(at);
      case 2:
        return this.view.getUint16(at, true);
      case 4:
        return this.view.getUint32(at, true);
      case 8:
        return Number(this.view.getBigUint64(at, true));
      default:
        throw new FlexBufferError(`flexbuffer width ${width} is invalid`);
    }
  }

  private readInt(at: number, width: number): number {
    this.check(at, width);
    switch (width) {
      case 1:
        return this.view.getInt8(at);
      case 2:
        return this.view.getInt16(at, true);
      case 4:
        return this.view.getInt32(at, true);
      case 8:
        return Number(this.view.getBigInt64(at, true));
      default:
        throw new FlexBufferError(`flexbuffer width ${width} is invalid`);
    }
  }

  private readFloat(at: number, width: number): number {
    this.check(at, width);
    if (width === 4) return this.view.getFloat32(at, true);
    if (width === 8) return this.view.getFloat64(at, true);
    throw new FlexBufferError(`flexbuffer float of width ${width} is invalid`);
  }
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}
