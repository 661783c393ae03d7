/** A LoRa gateway as the Semtech packet forwarder speaks (protocol 2): its own UDP socket on 127.0.0.1. */
import * as dgram from "dgram";

export class FakeForwarder {
  readonly socket = dgram.createSocket("udp4");
  readonly received: Buffer[] = [];
  /** answer every PULL_RESP with a TX_ACK without error, as a gateway that scheduled it does */
  autoTxAck = false;
  /** with autoTxAck: the error a TX_ACK reports for a txpk (e.g. "TOO_LATE"), none when undefined */
  txAckError?: (txpk: Record<string, unknown>, index: number) => string | undefined;
  constructor(
    readonly eui: string,
    readonly serverPort: number,
  ) {
    this.socket.on("message", (m) => {
      this.received.push(m);
      if (!this.autoTxAck || m[3] !== 0x03) return;
      const error = this.txAckError?.((JSON.parse(m.subarray(4).toString()) as { txpk: Record<string, unknown> }).txpk, this.txpks().length - 1);
      this.send(Buffer.concat([Buffer.from([2, m[1], m[2], 0x05]), Buffer.from(this.eui, "hex"), Buffer.from(error ? JSON.stringify({ txpk_ack: { error } }) : "")]));
    });
  }
  async open(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, "127.0.0.1", () => resolve()));
  }
  send(datagram: Buffer): void {
    this.socket.send(datagram, this.serverPort, "127.0.0.1");
  }
  pullData(token: number): void {
    const b = Buffer.alloc(12);
    b[0] = 2;
    b.writeUInt16BE(token, 1);
    b[3] = 0x02;
    Buffer.from(this.eui, "hex").copy(b, 4);
    this.send(b);
  }
  /** the txpk of every PULL_RESP so far */
  txpks(): Array<Record<string, unknown>> {
    return this.received.filter((m) => m[3] === 0x03).map((m) => (JSON.parse(m.subarray(4).toString()) as { txpk: Record<string, unknown> }).txpk);
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
