/**
 * Groups a profile's readable points into as few read requests as the spec allows: points of one table whose
 * ranges are contiguous (or within `maxGap` unused registers/bits, which are read and discarded) share one
 * request of at most 125 registers or 2000 bits. A device that refuses to read across a hole needs maxGap 0.
 */
import { LIMITS } from "./pdu";
import { isBitTable, type ModbusPoint, type Table } from "./points";

export const TABLE_READ_FC: Record<Table, 1 | 2 | 3 | 4> = { COILS: 1, DISCRETES_INPUT: 2, HOLDING_REGISTERS: 3, INPUT_REGISTERS: 4 };

export interface ReadGroup {
  table: Table;
  fc: 1 | 2 | 3 | 4;
  address: number;
  quantity: number;
  points: ModbusPoint[];
}

export function planReads(points: ModbusPoint[], maxGap = 0): ReadGroup[] {
  const groups: ReadGroup[] = [];
  const byTable = new Map<Table, ModbusPoint[]>();
  for (const p of points) if (p.readable) byTable.set(p.table, [...(byTable.get(p.table) ?? []), p]);
  for (const [table, list] of byTable) {
    const limit = isBitTable(table) ? LIMITS.readBits : LIMITS.readRegisters;
    list.sort((a, b) => a.address - b.address || b.count - a.count);
    let g: ReadGroup | undefined;
    for (const p of list) {
      const end = p.address + p.count;
      if (g && p.address <= g.address + g.quantity + maxGap && Math.max(end, g.address + g.quantity) - g.address <= limit) {
        g.quantity = Math.max(end, g.address + g.quantity) - g.address;
        g.points.push(p);
      } else {
        g = { table, fc: TABLE_READ_FC[table], address: p.address, quantity: p.count, points: [p] };
        groups.push(g);
      }
    }
  }
  return groups;
}
