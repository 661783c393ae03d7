/** A Modbus master over any link: the eight function codes as calls, each response checked against its request. */
import { decodeResponse, encodeRequest, type Request, type Response } from "./pdu";
import type { ModbusTransport } from "./transport";

export class ModbusClient {
  constructor(readonly transport: ModbusTransport) {}

  /** the response, or undefined for a broadcast write */
  async execute(unitId: number, request: Request, timeoutMs?: number): Promise<Response | undefined> {
    const pdu = await this.transport.request(unitId, encodeRequest(request), timeoutMs);
    return pdu === undefined ? undefined : decodeResponse(request, pdu);
  }

  async readBits(unitId: number, fc: 1 | 2, address: number, quantity: number): Promise<boolean[]> {
    const r = await this.execute(unitId, { fc, address, quantity });
    return (r as { bits: boolean[] }).bits;
  }

  async readRegisters(unitId: number, fc: 3 | 4, address: number, quantity: number): Promise<number[]> {
    const r = await this.execute(unitId, { fc, address, quantity });
    return (r as { registers: number[] }).registers;
  }

  writeCoil(unitId: number, address: number, value: boolean) {
    return this.execute(unitId, { fc: 5, address, value });
  }

  writeRegister(unitId: number, address: number, value: number) {
    return this.execute(unitId, { fc: 6, address, value });
  }

  writeCoils(unitId: number, address: number, values: boolean[]) {
    return this.execute(unitId, { fc: 15, address, values });
  }

  writeRegisters(unitId: number, address: number, values: number[]) {
    return this.execute(unitId, { fc: 16, address, values });
  }
}
