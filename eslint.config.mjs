import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "**/*.html", ".node-red-demo/**", "test-output/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
      // Node-RED's constructor pattern: `const node = this` inside the node function
      "@typescript-eslint/no-this-alias": "off"
    }
  },
  {
    // editor code runs in the browser and the settings modules are bundled into it: no Node.js, no Node-RED runtime
    files: ["nodes/*/editor.ts", "nodes/*/settings.ts", "nodes/_shared/editor/**/*.ts", "lib/settings/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["fs", "path", "os", "child_process", "node:*", "node-red", "../../lib/*/*", "!../../lib/settings/*"], message: "editor and settings code is bundled for the browser: only lib/settings and nodes/_shared/editor" }] }],
      "no-restricted-globals": ["error", "process", "Buffer", "require"]
    }
  },
  {
    files: ["scripts/**/*.js", "scripts/**/*.cjs", "bench/**/*.js", "resources/**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" }
  }
);
