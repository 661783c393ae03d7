/**
 * Thin typed access to one FlatBuffer table by field slot, over the `flatbuffers` runtime's ByteBuffer.
 * Slot n's vtable entry sits at byte 4 + 2n of the vtable.
 */
import { ByteBuffer } from "flatbuffers";

export class Table {
  constructor(readonly bb: ByteBuffer, readonly pos: number) {}

  static root(bytes: Uint8Array): Table {
    const bb = new ByteBuffer(bytes);
    return new Table(bb, bb.readInt32(bb.position()) + bb.position());
  }

  /** Start and length of a vector field, checked against the buffer so corrupt lengths fail cleanly. */
  private vector(o: number, elementSize: number): [number, number] {
    const start = this.bb.__vector(this.pos + o);
    const n = this.bb.__vector_len(this.pos + o);
    if (start < 0 || n < 0 || start + n * elementSize > this.bb.capacity()) throw new Error("vector outside the model bytes");
    return [start, n];
  }

  private offset(slot: number): number {
    return this.bb.__offset(this.pos, 4 + 2 * slot);
  }

  has(slot: number): boolean {
    return this.offset(slot) !== 0;
  }

  int8(slot: number, def = 0): number {
    const o = this.offset(slot);
    return o ? this.bb.readInt8(this.pos + o) : def;
  }

  uint8(slot: number, def = 0): number {
    const o = this.offset(slot);
    return o ? this.bb.readUint8(this.pos + o) : def;
  }

  bool(slot: number, def = false): boolean {
    const o = this.offset(slot);
    return o ? this.bb.readInt8(this.pos + o) !== 0 : def;
  }

  int32(slot: number, def = 0): number {
    const o = this.offset(slot);
    return o ? this.bb.readInt32(this.pos + o) : def;
  }

  uint32(slot: number, def = 0): number {
    const o = this.offset(slot);
    return o ? this.bb.readUint32(this.pos + o) : def;
  }

  uint64(slot: number, def = 0): number {
    const o = this.offset(slot);
    return o ? Number(this.bb.readUint64(this.pos + o)) : def;
  }

  float32(slot: number, def = 0): number {
    const o = this.offset(slot);
    return o ? this.bb.readFloat32(this.pos + o) : def;
  }

  string(slot: number): string | undefined {
    const o = this.offset(slot);
    return o ? (this.bb.__string(this.pos + o) as string) : undefined;
  }

  table(slot: number): Table | undefined {
    const o = this.offset(slot);
    return o ? new Table(this.bb, this.bb.__indirect(this.pos + o)) : undefined;
  }

  tables(slot: number): Table[] {
    const o = this.offset(slot);
    if (!o) return [];
    const [start, n] = this.vector(o, 4);
    const out: Table[] = [];
    for (let i = 0; i < n; i++) out.push(new Table(this.bb, this.bb.__indirect(start + 4 * i)));
    return out;
  }

  /** A [ubyte] vector as a view on the model bytes (no copy). */
  bytes(slot: number): Uint8Array | undefined {
    const o = this.offset(slot);
    if (!o) return undefined;
    const [start, n] = this.vector(o, 1);
    const all = this.bb.bytes();
    return all.subarray(start, start + n);
  }

  int32s(slot: number): number[] {
    const o = this.offset(slot);
    if (!o) return [];
    const [start, n] = this.vector(o, 4);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.bb.readInt32(start + 4 * i));
    return out;
  }

  float32s(slot: number): number[] {
    const o = this.offset(slot);
    if (!o) return [];
    const [start, n] = this.vector(o, 4);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.bb.readFloat32(start + 4 * i));
    return out;
  }

  int64s(slot: number): number[] {
    const o = this.offset(slot);
    if (!o) return [];
    const [start, n] = this.vector(o, 8);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(Number(this.bb.readInt64(start + 8 * i)));
    return out;
  }

  bools(slot: number): boolean[] {
    const b = this.bytes(slot);
    return b ? Array.from(b, (v) => v !== 0) : [];
  }
}
