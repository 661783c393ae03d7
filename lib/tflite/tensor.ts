/** A tensor at run time: its element type, shape, quantization and the typed-array view of its data. */
import { TensorType } from "./schema";

export type TensorData = Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | BigInt64Array | Float64Array | Uint16Array;

export class Tensor {
  data: TensorData;
  constructor(
    readonly index: number,
    readonly name: string,
    readonly type: TensorType,
    public shape: number[],
    readonly scales: number[],
    readonly zeroPoints: number[],
    readonly quantizedDimension: number,
    readonly isConstant: boolean,
    readonly isVariable: boolean,
  ) {
    this.data = new Uint8Array(0);
  }

  get size(): number {
    return elementCount(this.shape);
  }

  /** per-tensor scale (the first, for per-channel tensors) */
  get scale(): number {
    return this.scales[0] ?? 0;
  }

  get zeroPoint(): number {
    return this.zeroPoints[0] ?? 0;
  }

  get typeName(): string {
    return TensorType[this.type] ?? `TYPE_${this.type}`;
  }

  dim(i: number): number {
    return this.shape[i < 0 ? this.shape.length + i : i];
  }
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function bytesPerElement(type: TensorType): number {
  switch (type) {
    case TensorType.FLOAT32:
    case TensorType.INT32:
    case TensorType.UINT32:
      return 4;
    case TensorType.INT16:
    case TensorType.UINT16:
    case TensorType.FLOAT16:
      return 2;
    case TensorType.INT8:
    case TensorType.UINT8:
    case TensorType.BOOL:
      return 1;
    case TensorType.INT64:
    case TensorType.FLOAT64:
    case TensorType.UINT64:
      return 8;
    default:
      throw new Error(`tensor type ${TensorType[type] ?? type} is not supported`);
  }
}

/** A typed-array view of `byteLength` bytes of `buffer` at `byteOffset` (which must be aligned). */
export function viewOf(type: TensorType, buffer: ArrayBufferLike, byteOffset: number, count: number): TensorData {
  switch (type) {
    case TensorType.FLOAT32:
      return new Float32Array(buffer, byteOffset, count);
    case TensorType.INT32:
      return new Int32Array(buffer, byteOffset, count);
    case TensorType.INT16:
      return new Int16Array(buffer, byteOffset, count);
    case TensorType.UINT16:
    case TensorType.FLOAT16:
      return new Uint16Array(buffer, byteOffset, count);
    case TensorType.INT8:
      return new Int8Array(buffer, byteOffset, count);
    case TensorType.UINT8:
    case TensorType.BOOL:
      return new Uint8Array(buffer, byteOffset, count);
    case TensorType.INT64:
      return new BigInt64Array(buffer, byteOffset, count);
    case TensorType.FLOAT64:
      return new Float64Array(buffer, byteOffset, count);
    default:
      throw new Error(`tensor type ${TensorType[type] ?? type} is not supported`);
  }
}

/** Range of an integer tensor type, for clamping. */
export function integerRange(type: TensorType): [number, number] {
  switch (type) {
    case TensorType.INT8:
      return [-128, 127];
    case TensorType.UINT8:
      return [0, 255];
    case TensorType.INT16:
      return [-32768, 32767];
    case TensorType.INT32:
      return [-2147483648, 2147483647];
    default:
      throw new Error(`no integer range for ${TensorType[type] ?? type}`);
  }
}
