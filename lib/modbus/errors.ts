/** What can go wrong talking Modbus, as errors a flow can tell apart by `code`. */

const EXCEPTION_NAMES: Record<number, string> = {
  1: "illegal function",
  2: "illegal data address",
  3: "illegal data value",
  4: "server device failure",
  5: "acknowledge",
  6: "server device busy",
  8: "memory parity error",
  10: "gateway path unavailable",
  11: "gateway target device failed to respond",
};

export class ModbusError extends Error {
  constructor(
    message: string,
    readonly code: "exception" | "timeout" | "protocol" | "closed" | "connection",
  ) {
    super(message);
    this.name = "ModbusError";
  }
}

/** the device answered with an exception response */
export class ModbusExceptionError extends ModbusError {
  constructor(
    readonly functionCode: number,
    readonly exceptionCode: number,
  ) {
    super(`the device refused function ${functionCode}: exception ${exceptionCode} (${EXCEPTION_NAMES[exceptionCode] ?? "unknown"})`, "exception");
  }
}

/** bytes that are not a Modbus frame we asked for */
export class ModbusProtocolError extends ModbusError {
  constructor(message: string) {
    super(message, "protocol");
  }
}

export class ModbusTimeoutError extends ModbusError {
  constructor(ms: number) {
    super(`no response within ${ms} ms`, "timeout");
  }
}
