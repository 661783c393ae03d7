/**
 * A Modbus TCP server over a RegisterBank, for the simulator and the examples. Bounded against a hostile master:
 * at most `maxConnections` sockets, an idle timeout, one partial frame per socket (mbap.ts), a request answered
 * before the next is read from the same buffer, and a socket that stops speaking MBAP is closed. Several units
 * (one bank each) may sit behind one server, as behind a TCP gateway; a unit it lacks is answered exception 0x0B.
 */
import * as net from "net";
import { decodeRequest, encodeException, encodeResponse, EXCEPTION, type Response } from "./pdu";
import { encodeTcpFrame, TcpDeframer } from "./mbap";
import type { RegisterBank } from "./register-bank";
import type { Table } from "./points";

export interface TcpServerOptions {
  host?: string;
  port: number;
  maxConnections?: number;
  idleTimeoutMs?: number;
}

const READ_TABLE: Record<number, Table> = { 1: "COILS", 2: "DISCRETES_INPUT", 3: "HOLDING_REGISTERS", 4: "INPUT_REGISTERS" };

export class ModbusTcpServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  requests = 0;
  /** a device without power: requests are read and never answered */
  silent = false;
  private readonly bankFor: (unitId: number) => RegisterBank | undefined;

  /** one bank for every unit id (a plain TCP device), or the bank of each unit id */
  constructor(
    banks: RegisterBank | ((unitId: number) => RegisterBank | undefined),
    private readonly o: TcpServerOptions,
  ) {
    this.bankFor = typeof banks === "function" ? banks : () => banks;
  }

  get port(): number {
    const a = this.server?.address();
    return a && typeof a === "object" ? a.port : this.o.port;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      server.maxConnections = this.o.maxConnections ?? 16;
      server.once("error", reject);
      server.listen(this.o.port, this.o.host ?? "127.0.0.1", () => {
        server.off("error", reject);
        server.on("error", () => undefined);
        this.server = server;
        resolve();
      });
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.setTimeout(this.o.idleTimeoutMs ?? 60000, () => socket.destroy());
    const deframer = new TcpDeframer();
    socket.on("data", (chunk: Buffer) => {
      let frames;
      try {
        frames = deframer.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const f of frames) {
        if (this.silent) continue;
        const pdu = this.answer(f.pdu, f.unitId);
        if (!socket.writable) return;
        socket.write(encodeTcpFrame({ transactionId: f.transactionId, unitId: f.unitId, pdu }));
      }
    });
  }

  /** the response PDU to a request PDU; never throws */
  answer(pdu: Buffer, unitId = 1): Buffer {
    this.requests++;
    const d = decodeRequest(pdu);
    if (!d.ok) return encodeException(d.fc, d.exception);
    const bank = this.bankFor(unitId);
    if (!bank) return encodeException(d.request.fc, EXCEPTION.gatewayTargetFailed);
    const r = d.request;
    let response: Response;
    if (r.fc <= 4) {
      const q = r as { fc: 1 | 2 | 3 | 4; address: number; quantity: number };
      const got = bank.read(READ_TABLE[q.fc], q.address, q.quantity);
      if ("exception" in got) return encodeException(q.fc, got.exception);
      response = q.fc <= 2 ? { fc: q.fc as 1 | 2, bits: got.values as boolean[] } : { fc: q.fc as 3 | 4, registers: got.values as number[] };
    } else if (r.fc === 5 || r.fc === 6) {
      const refused = r.fc === 5 ? bank.write("COILS", r.address, [r.value]) : bank.write("HOLDING_REGISTERS", r.address, [r.value]);
      if (refused !== undefined) return encodeException(r.fc, refused);
      response = r.fc === 5 ? { fc: 5, address: r.address, value: r.value } : { fc: 6, address: r.address, value: r.value };
    } else if (r.fc === 15 || r.fc === 16) {
      const refused = r.fc === 15 ? bank.write("COILS", r.address, r.values) : bank.write("HOLDING_REGISTERS", r.address, r.values);
      if (refused !== undefined) return encodeException(r.fc, refused);
      response = { fc: r.fc, address: r.address, quantity: r.values.length };
    } else return encodeException(pdu[0], 1);
    return encodeResponse(response);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
