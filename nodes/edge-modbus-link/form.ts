import { field, raw, select, typed } from "../_shared/editor/form";

const literal = (values: readonly string[]) => values.map((value) => ({ value, text: value }));

export default [
  field("name", { icon: "tag" }),
  select("transport", ["tcp", "rtu"], { icon: "exchange" }),
  typed("host", { icon: "server", rowClass: "edge-modbus-link-tcp", width: "50%" }),
  field("port", { width: "70px", rowClass: "edge-modbus-link-tcp" }),
  field("maxInFlight", { width: "70px", rowClass: "edge-modbus-link-tcp" }),
  field("serialPath", { icon: "random", rowClass: "edge-modbus-link-rtu" }),
  field("baudRate", { width: "90px", rowClass: "edge-modbus-link-rtu" }),
  // data bits, parity and stop bits side by side under one label, as a serial port's framing is written (8E1)
  raw(
    `  <div class="form-row edge-modbus-link-rtu">\n    <label for="node-input-dataBits"><span data-i18n="edge-modbus-link.label.framing"></span></label>\n` +
      `    <select id="node-input-dataBits" style="width: 60px">${literal(["8", "7"]).map((o) => `<option value="${o.value}">${o.text}</option>`).join("")}</select>\n` +
      `    <select id="node-input-parity" style="width: 90px">${["even", "odd", "none"].map((v) => `<option value="${v}" data-i18n="edge-modbus-link.parity.${v}"></option>`).join("")}</select>\n` +
      `    <select id="node-input-stopBits" style="width: 60px">${literal(["1", "2"]).map((o) => `<option value="${o.value}">${o.text}</option>`).join("")}</select>\n  </div>`,
  ),
  field("timeoutMs", { icon: "clock-o", width: "90px" }),
];
