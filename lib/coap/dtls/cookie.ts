/**
 * Stateless cookies for the HelloVerifyRequest (RFC 6347 §4.2.1): an HMAC over the client's address and its
 * ClientHello, under a secret replaced every `rotateMs`. A cookie made under the previous secret is still accepted,
 * so a client that got one just before a rotation is not turned away.
 */
import { createHmac, randomBytes, timingSafeEqual } from "crypto";

export class CookieJar {
  private current = randomBytes(32);
  private previous = randomBytes(32);
  private rotatedAt: number;

  constructor(
    private readonly now: () => number,
    private readonly rotateMs = 60_000,
  ) {
    this.rotatedAt = now();
  }

  make(address: string, port: number, cookieInput: Buffer): Buffer {
    this.rotate();
    return this.mac(this.current, address, port, cookieInput);
  }

  verify(cookie: Buffer, address: string, port: number, cookieInput: Buffer): boolean {
    this.rotate();
    if (cookie.length !== 32) return false;
    return [this.current, this.previous].some((secret) => timingSafeEqual(this.mac(secret, address, port, cookieInput), cookie));
  }

  private rotate(): void {
    if (this.now() - this.rotatedAt < this.rotateMs) return;
    this.previous = this.current;
    this.current = randomBytes(32);
    this.rotatedAt = this.now();
  }

  private mac(secret: Buffer, address: string, port: number, cookieInput: Buffer): Buffer {
    return createHmac("sha256", secret).update(`${address}|${port}|`).update(cookieInput).digest();
  }
}
