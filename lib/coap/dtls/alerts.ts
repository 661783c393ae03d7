/** TLS alerts (RFC 5246 §7.2, RFC 4279 §2) used by the server. */
export const AlertLevel = { WARNING: 1, FATAL: 2 } as const;
export const AlertDescription = {
  CLOSE_NOTIFY: 0,
  UNEXPECTED_MESSAGE: 10,
  HANDSHAKE_FAILURE: 40,
  ILLEGAL_PARAMETER: 47,
  DECODE_ERROR: 50,
  DECRYPT_ERROR: 51,
  PROTOCOL_VERSION: 70,
  INTERNAL_ERROR: 80,
  NO_RENEGOTIATION: 100,
  UNKNOWN_PSK_IDENTITY: 115,
} as const;

export function alert(level: number, description: number): Buffer {
  return Buffer.from([level, description]);
}
