/**
 * Reassembles block-wise uploads (RFC 7959 §2.5) keyed by the client's endpoint, the request's method, URI and
 * the options that change its meaning, never by token: libcoap's client (and RFC 7959 §2.4) may use a new token
 * for every block.
 */
import type { BlockValue } from "./block";
import { blockSize } from "./block";
import type { Clock } from "./clock";

export type Block1Outcome =
  | { kind: "continue" }
  | { kind: "complete"; payload: Buffer }
  | { kind: "incomplete" }
  | { kind: "too-large"; limit: number };

interface Assembly {
  parts: Buffer[];
  bytes: number;
  expires: number;
}

export class Block1Assembler {
  private readonly assemblies = new Map<string, Assembly>();

  constructor(
    private readonly maxBytes: number,
    private readonly lifetimeMs: number,
    private readonly clock: Clock,
    private readonly maxAssemblies = 1000,
  ) {}

  get pending(): number {
    return this.assemblies.size;
  }

  add(key: string, block: BlockValue, data: Buffer): Block1Outcome {
    const now = this.clock.now();
    this.sweep(now);
    const size = blockSize(block.szx);
    // all blocks but the last carry exactly the block size (RFC 7959 §2.2)
    if (block.more && data.length !== size) return { kind: "incomplete" };
    let assembly = this.assemblies.get(key);
    if (block.num === 0) {
      assembly = { parts: [], bytes: 0, expires: 0 };
      this.assemblies.delete(key);
      if (this.assemblies.size >= this.maxAssemblies) this.assemblies.delete(this.assemblies.keys().next().value as string);
      this.assemblies.set(key, assembly);
    }
    if (!assembly || block.num * size !== assembly.bytes) {
      // a duplicate of the block just taken is answered again as such; anything else is out of sequence
      if (assembly && block.more && (block.num + 1) * size === assembly.bytes) return { kind: "continue" };
      this.assemblies.delete(key);
      return { kind: "incomplete" };
    }
    if (assembly.bytes + data.length > this.maxBytes) {
      this.assemblies.delete(key);
      return { kind: "too-large", limit: this.maxBytes };
    }
    assembly.parts.push(data);
    assembly.bytes += data.length;
    assembly.expires = now + this.lifetimeMs;
    if (block.more) return { kind: "continue" };
    this.assemblies.delete(key);
    return { kind: "complete", payload: Buffer.concat(assembly.parts) };
  }

  clear(): void {
    this.assemblies.clear();
  }

  private sweep(now: number): void {
    for (const [key, assembly] of this.assemblies) if (assembly.expires !== 0 && assembly.expires < now) this.assemblies.delete(key);
  }
}
