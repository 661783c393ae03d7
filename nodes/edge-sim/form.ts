import { checkbox, field, pair, raw, select } from "../_shared/editor/form";

const short = { width: "70px" };

export default [
  field("name", { icon: "tag", placeholder: undefined }),
  field("seed", { icon: "random", width: "100px" }),
  raw('  <div class="form-row">\n    <label><i class="fa fa-truck"></i> <span data-i18n="edge-sim.label.fleet"></span></label>\n  </div>'),
  pair("trucks", "coldRooms", { first: short, second: short }),
  pair("freezers", "shelves", { first: short, second: short }),
  pair("coapSensors", "cameras", { first: short, second: short }),
  pair("intervalMs", "stepS", { first: { icon: "clock-o", width: "90px" }, second: short }),
  field("wearOutHours", { icon: "wrench", width: "70px" }),
  select("lorawan", ["chirpstack", "packet-forwarder"], { icon: "wifi" }),
  raw(
    '  <div class="form-row edge-sim-forwarder">\n    <label for="node-input-forwarderHost"><span data-i18n="edge-sim.label.forwarder"></span></label>\n    <input type="text" id="node-input-forwarderHost" style="width: 150px">\n    : <input type="text" id="node-input-forwarderPort" style="width: 70px">\n  </div>',
  ),
  raw(
    [
      '  <div class="form-row">',
      '    <label for="node-input-modbusRooms"><i class="fa fa-microchip"></i> <span data-i18n="edge-sim.label.modbusRooms"></span></label>',
      '    <input type="text" id="node-input-modbusRooms" style="width: 50px">',
      '    <span data-i18n="edge-sim.label.modbusAt"></span>',
      '    <input type="text" id="node-input-modbusAddress" style="width: 110px">',
      '    : <input type="text" id="node-input-modbusPort" style="width: 70px">',
      "  </div>",
    ].join("\n"),
  ),
  raw(
    '  <div class="form-row">\n    <label for="node-input-faults"><i class="fa fa-bolt"></i> <span data-i18n="edge-sim.label.faults"></span></label>\n    <textarea id="node-input-faults" rows="4" style="width: 70%; font-family: monospace" placeholder=\'[{"fault":"door-open","device":"truck-01","atS":3600,"durationS":1800}]\'></textarea>\n  </div>',
  ),
  checkbox("autostart"),
];
