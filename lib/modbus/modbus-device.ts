/**
 * One Modbus device described by an EdgeX profile: a poll reads every readable point (grouped, read-plan.ts) and
 * returns the values by resource name — the payload edge-ingest takes with the same profile — and what failed;
 * a write takes values by resource name, checks them all before it sends anything, then writes them with as few
 * requests as it can (FC 5/6 for one coil or register, 15/16 for contiguous runs or values of several registers).
 */
import type { DeviceProfile } from "../ingest/profile";
import type { ModbusClient } from "./client";
import { decodePoint, encodePoint, isBitTable, modbusPoints, WriteValueError, type ModbusPoint } from "./points";
import { planReads, type ReadGroup } from "./read-plan";
import { LIMITS, type Request } from "./pdu";

export interface PollResult {
  values: Record<string, number | boolean | string>;
  failures: Array<{ group: string; error: Error }>;
}

export interface WriteResult {
  written: Record<string, unknown>;
  requests: Array<{ fc: number; address: number; quantity: number }>;
}

export interface DeviceOptions {
  unitId: number;
  maxGap?: number;
  /** always FC 15/16, for devices that do not implement FC 5/6 */
  writeMultiple?: boolean;
  timeoutMs?: number;
}

export class ModbusDevice {
  readonly points: ModbusPoint[];
  readonly groups: ReadGroup[];
  private readonly byName: Map<string, ModbusPoint>;

  constructor(
    private readonly client: ModbusClient,
    readonly profile: DeviceProfile,
    private readonly o: DeviceOptions,
  ) {
    this.points = modbusPoints(profile);
    this.groups = planReads(this.points, o.maxGap ?? 0);
    this.byName = new Map(this.points.map((p) => [p.name, p]));
  }

  /** every group is read even when one fails, so one refused register does not hide the others */
  async poll(): Promise<PollResult> {
    const values: PollResult["values"] = {};
    const failures: PollResult["failures"] = [];
    for (const g of this.groups) {
      try {
        const r = await this.client.execute(this.o.unitId, { fc: g.fc, address: g.address, quantity: g.quantity }, this.o.timeoutMs);
        const data = r && "bits" in r ? r.bits : r && "registers" in r ? r.registers : [];
        for (const p of g.points) {
          const offset = p.address - g.address;
          values[p.name] = decodePoint(p, data.slice(offset, offset + p.count) as number[] | boolean[]);
        }
      } catch (err) {
        failures.push({ group: `${g.table} ${g.address}…${g.address + g.quantity - 1} (${g.points.map((p) => p.name).join(", ")})`, error: err instanceof Error ? err : new Error(String(err)) });
      }
    }
    return { values, failures };
  }

  /** the requests a write of these values makes; throws WriteValueError before anything is sent */
  planWrite(values: Record<string, unknown>): Request[] {
    const names = Object.keys(values);
    if (!names.length) throw new WriteValueError("nothing to write: give values by resource name");
    const items = names.map((name) => {
      const p = this.byName.get(name);
      if (!p) throw new WriteValueError(`${name}: the profile '${this.profile.name}' has no Modbus resource of that name (it has ${[...this.byName.keys()].join(", ")})`);
      return { p, enc: encodePoint(p, values[name]) };
    });
    items.sort((a, b) => (a.p.table < b.p.table ? -1 : a.p.table > b.p.table ? 1 : a.p.address - b.p.address));
    const requests: Request[] = [];
    let run: { coils: boolean; address: number; words: number[]; bits: boolean[] } | undefined;
    const flush = () => {
      if (!run) return;
      if (run.coils) requests.push(run.bits.length === 1 && !this.o.writeMultiple ? { fc: 5, address: run.address, value: run.bits[0] } : { fc: 15, address: run.address, values: run.bits });
      else requests.push(run.words.length === 1 && !this.o.writeMultiple ? { fc: 6, address: run.address, value: run.words[0] } : { fc: 16, address: run.address, values: run.words });
      run = undefined;
    };
    for (const { p, enc } of items) {
      const coils = isBitTable(p.table);
      const data = "bits" in enc ? enc.bits : enc.registers;
      const length = run ? (run.coils ? run.bits.length : run.words.length) : 0;
      const limit = coils ? LIMITS.writeBits : LIMITS.writeRegisters;
      if (run && run.coils === coils && run.address + length === p.address && length + data.length <= limit) {
        if (coils) run.bits.push(...(data as boolean[]));
        else run.words.push(...(data as number[]));
        continue;
      }
      if (run && run.address + length > p.address && run.coils === coils) throw new WriteValueError(`${p.name}: overlaps another value of this write`);
      flush();
      run = { coils, address: p.address, words: coils ? [] : [...(data as number[])], bits: coils ? [...(data as boolean[])] : [] };
    }
    flush();
    return requests;
  }

  /** writes the values; on a failure, says which were written before it */
  async write(values: Record<string, unknown>): Promise<WriteResult> {
    const requests = this.planWrite(values);
    const done: WriteResult["requests"] = [];
    for (const r of requests) {
      try {
        await this.client.execute(this.o.unitId, r, this.o.timeoutMs);
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const names = this.namesIn(r);
        const before = done.length ? `; written before it: ${done.map((d) => this.namesIn(d as Request).join(", ")).join(", ")}` : "";
        e.message = `writing ${names.join(", ")} (function ${r.fc}, address ${r.address}) failed: ${e.message}${before}`;
        throw e;
      }
      done.push({ fc: r.fc, address: r.address, quantity: "values" in r ? r.values.length : 1 });
    }
    return { written: { ...values }, requests: done };
  }

  private namesIn(r: Request | { fc: number; address: number; quantity?: number }): string[] {
    const coils = r.fc === 5 || r.fc === 15;
    const quantity = "values" in r ? r.values.length : "quantity" in r && r.quantity ? r.quantity : 1;
    return this.points.filter((p) => isBitTable(p.table) === coils && p.table !== "DISCRETES_INPUT" && p.table !== "INPUT_REGISTERS" && p.address >= r.address && p.address < r.address + quantity).map((p) => p.name);
  }
}
