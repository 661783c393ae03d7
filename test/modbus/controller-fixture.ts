/** The cold-room controller both the lib and the node tests read: an EdgeX profile and pymodbus's registers for it. */
import type { Tables } from "./modbus-peers";

export const CONTROLLER_PROFILE = `
name: test-cold-room-controller
deviceResources:
  - name: setpoint
    attributes: { primaryTable: HOLDING_REGISTERS, startingAddress: 0, rawType: INT16 }
    properties: { valueType: Float32, readWrite: RW, scale: 0.1, units: degC, minimum: -5, maximum: 12 }
  - name: defrostIntervalMin
    attributes: { primaryTable: HOLDING_REGISTERS, startingAddress: 1 }
    properties: { valueType: Uint16, readWrite: RW }
  - name: highAlarm
    attributes: { primaryTable: HOLDING_REGISTERS, startingAddress: 2, rawType: FLOAT32 }
    properties: { valueType: Float32, readWrite: RW }
  - name: alarmLatched
    attributes: { primaryTable: HOLDING_REGISTERS, startingAddress: "20.3" }
    properties: { valueType: Bool, readWrite: R }
  - name: label
    attributes: { primaryTable: HOLDING_REGISTERS, startingAddress: 30, stringRegisterSize: 4 }
    properties: { valueType: String, readWrite: RW }
  - name: airTemp
    attributes: { primaryTable: INPUT_REGISTERS, startingAddress: 0, rawType: INT16 }
    properties: { valueType: Float32, readWrite: R, scale: 0.1, units: degC }
  - name: evaporatorTemp
    attributes: { primaryTable: INPUT_REGISTERS, startingAddress: 2, rawType: FLOAT32, isWordSwap: true }
    properties: { valueType: Float32, readWrite: R }
  - name: compressorHours
    attributes: { primaryTable: INPUT_REGISTERS, startingAddress: 4, isByteSwap: true }
    properties: { valueType: Uint32, readWrite: R }
  - name: energyWh
    attributes: { primaryTable: INPUT_REGISTERS, startingAddress: 6 }
    properties: { valueType: Int32, readWrite: R }
  - name: defrostOn
    attributes: { primaryTable: COILS, startingAddress: 0 }
    properties: { valueType: Bool, readWrite: RW }
  - name: lightOn
    attributes: { primaryTable: COILS, startingAddress: 1 }
    properties: { valueType: Bool, readWrite: RW }
  - name: doorOpen
    attributes: { primaryTable: DISCRETES_INPUT, startingAddress: 0 }
    properties: { valueType: Bool, readWrite: R }
  - name: compressorRunning
    attributes: { primaryTable: DISCRETES_INPUT, startingAddress: 1 }
    properties: { valueType: Bool, readWrite: R }
`;

/** the controller's registers as words (computed by hand, not by the code under test) */
export const CONTROLLER_TABLES: Tables = {
  // setpoint 4.0 °C (40 × 0.1), defrost every 360 min, high alarm 8.5 = 0x41080000, status word with bit 3 set
  hr: { "0": [40, 360, 0x4108, 0x0000], "20": [0b1000], "30": [0x4352, 0x2d30, 0x3100, 0] },
  // air 3.5 °C; evaporator −18.5 = 0xC1940000 with its words swapped; 70000 h = 0x00011170 with bytes swapped in each word; −123456 = 0xFFFE1DC0
  ir: { "0": [35, 0, 0x0000, 0xc194, 0x0100, 0x7011, 0xfffe, 0x1dc0] },
  co: { "0": [false, true] },
  di: { "0": [true, false] },
};

export const EXPECTED_VALUES = {
  setpoint: 40,
  defrostIntervalMin: 360,
  highAlarm: 8.5,
  alarmLatched: true,
  label: "CR-01",
  airTemp: 35,
  evaporatorTemp: -18.5,
  compressorHours: 70000,
  energyWh: -123456,
  defrostOn: false,
  lightOn: true,
  doorOpen: true,
  compressorRunning: false,
};
