/**
 * Element copies for kernels that only move elements, whatever their type: through unsigned views of the element
 * width, and contiguous runs as block copies.
 */
import type { Tensor, TensorData } from "../tensor";

export type Elements = { [i: number]: number | bigint; length: number };
type Raw = Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

/**
 * A tensor's elements as unsigned integers of their width: a copy through them is exact for every element type,
 * and the copy loops see four kinds of array at most (a loop that has seen more, as one shared by every element
 * type would, V8 runs through its slow generic element access).
 */
export function rawView(d: TensorData): Raw {
  switch (d.BYTES_PER_ELEMENT) {
    case 1:
      return new Uint8Array(d.buffer, d.byteOffset, d.length);
    case 2:
      return new Uint16Array(d.buffer, d.byteOffset, d.length);
    case 4:
      return new Uint32Array(d.buffer, d.byteOffset, d.length);
    default:
      return new BigUint64Array(d.buffer, d.byteOffset, d.length);
  }
}

/** The raw view of a tensor's data, made again only when the tensor's data is rebound. */
export function rawOf(t: Tensor): () => Elements {
  let data: TensorData | undefined;
  let raw: Raw | undefined;
  return () => {
    if (t.data !== data) {
      data = t.data;
      raw = rawView(data);
    }
    return raw as Elements;
  };
}

/** y[o..o+n) = x[start..start+n) of one width: a block copy when the run is long enough to pay for the subarray. */
export function copyRun(yd: Elements, o: number, xd: Elements, start: number, n: number): void {
  if (n >= 16) (yd as Uint8Array).set((xd as Uint8Array).subarray(start, start + n), o);
  else for (let k = 0; k < n; k++) yd[o + k] = xd[start + k];
}
