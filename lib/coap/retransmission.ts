/**
 * Sends a confirmable message again with exponential back-off (RFC 7252 §4.2): the first wait is drawn from
 * [ACK_TIMEOUT, ACK_TIMEOUT × ACK_RANDOM_FACTOR], doubled after each of MAX_RETRANSMIT retransmissions; when the last
 * wait ends without an acknowledgement the exchange has failed.
 */
import type { Clock } from "./clock";
import type { TransmissionParameters } from "./constants";

export class Retransmission {
  private timer: unknown;
  private attempts = 0;
  private stopped = false;

  constructor(
    private readonly params: TransmissionParameters,
    private readonly clock: Clock,
    private readonly resend: () => void,
    private readonly giveUp: () => void,
  ) {}

  /** call after the first transmission */
  start(): void {
    const first = this.params.ackTimeoutMs * (1 + this.clock.random() * (this.params.ackRandomFactor - 1));
    this.schedule(first);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  get retransmissions(): number {
    return this.attempts;
  }

  private schedule(wait: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      if (this.attempts >= this.params.maxRetransmit) {
        this.stopped = true;
        this.giveUp();
        return;
      }
      this.attempts++;
      this.resend();
      this.schedule(wait * 2);
    }, wait);
  }
}
