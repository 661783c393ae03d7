/** JSON Schema of an EdgeX device profile (the parts the ingest node reads), checked with ajv on deploy. */
export const VALUE_TYPES = ["Bool", "Int8", "Int16", "Int32", "Int64", "Uint8", "Uint16", "Uint32", "Uint64", "Float32", "Float64", "String", "Object"] as const;

const numberLike = { anyOf: [{ type: "number" }, { type: "string", pattern: "^-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?$" }] };

export const deviceProfileSchema = {
  type: "object",
  required: ["name", "deviceResources"],
  properties: {
    apiVersion: { type: "string" },
    name: { type: "string", minLength: 1, pattern: "^[^/#+]+$" },
    manufacturer: { type: "string" },
    model: { type: "string" },
    description: { type: "string" },
    labels: { type: "array", items: { type: "string" } },
    deviceResources: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["name", "properties"],
        properties: {
          name: { type: "string", minLength: 1 },
          description: { type: "string" },
          isHidden: { type: "boolean" },
          tag: { type: "string" },
          attributes: {
            type: "object",
            properties: {
              path: { type: "string", minLength: 1 },
              expression: { type: "string", minLength: 1 },
              senmlName: { type: "string", minLength: 1 },
              rawUnits: { type: "string", minLength: 1 },
            },
          },
          properties: {
            type: "object",
            required: ["valueType"],
            properties: {
              valueType: { enum: VALUE_TYPES },
              readWrite: { enum: ["R", "W", "RW", "WR"] },
              units: { type: "string" },
              minimum: numberLike,
              maximum: numberLike,
              defaultValue: {},
              scale: numberLike,
              offset: numberLike,
              base: numberLike,
              mask: numberLike,
              shift: numberLike,
              mediaType: { type: "string" },
            },
          },
        },
      },
    },
    deviceCommands: { type: "array" },
  },
} as const;
