/**
 * A server's data model: the four tables as fixed-size arrays from address 0. A request outside a table is
 * answered "illegal data address"; a write to a read-only table "illegal function"; `onWrite` lets the owner
 * (the simulator) react to what a master wrote, or refuse it with an exception code.
 */
import { EXCEPTION } from "./pdu";
import type { Table } from "./points";

export interface BankSizes {
  coils: number;
  discreteInputs: number;
  holdingRegisters: number;
  inputRegisters: number;
}

export type WriteHook = (table: "COILS" | "HOLDING_REGISTERS", address: number, values: number[] | boolean[]) => number | void;

export class RegisterBank {
  readonly coils: boolean[];
  readonly discreteInputs: boolean[];
  readonly holdingRegisters: Uint16Array;
  readonly inputRegisters: Uint16Array;
  onWrite?: WriteHook;

  constructor(sizes: BankSizes) {
    this.coils = new Array<boolean>(sizes.coils).fill(false);
    this.discreteInputs = new Array<boolean>(sizes.discreteInputs).fill(false);
    this.holdingRegisters = new Uint16Array(sizes.holdingRegisters);
    this.inputRegisters = new Uint16Array(sizes.inputRegisters);
  }

  private table(t: Table): boolean[] | Uint16Array {
    return t === "COILS" ? this.coils : t === "DISCRETES_INPUT" ? this.discreteInputs : t === "HOLDING_REGISTERS" ? this.holdingRegisters : this.inputRegisters;
  }

  read(t: Table, address: number, quantity: number): { values: number[] | boolean[] } | { exception: number } {
    const data = this.table(t);
    if (address + quantity > data.length) return { exception: EXCEPTION.illegalDataAddress };
    return { values: Array.from(data.slice(address, address + quantity) as ArrayLike<number | boolean>) as number[] | boolean[] };
  }

  write(t: "COILS" | "HOLDING_REGISTERS", address: number, values: number[] | boolean[]): number | undefined {
    const data = this.table(t);
    if (address + values.length > data.length) return EXCEPTION.illegalDataAddress;
    const refused = this.onWrite?.(t, address, values);
    if (typeof refused === "number") return refused;
    values.forEach((v, i) => (data[address + i] = v as never));
    return undefined;
  }
}
