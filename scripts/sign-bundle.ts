/**
 * Keys and signed bundles for edge-bundle.
 *
 *   npx tsx scripts/sign-bundle.ts keygen --out keys/            writes bundle-signing.key (keep it at the centre) and bundle-signing.pub (paste into edge-bundle)
 *   npx tsx scripts/sign-bundle.ts sign --key keys/bundle-signing.key --kind model --name reefer-anomaly --version 4 \
 *       --file model.tflite [--groups canary,eu] [--device-classes reefer] [--gateways gw-1] [--description "…"] [--out bundle.json]
 *   npx tsx scripts/sign-bundle.ts verify --pub keys/bundle-signing.pub --file bundle.json
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { generateSigningKey, parsePublicKeys, signBundle, verifyBundle } from "../lib/fleet/bundle-signing";
import { BUNDLE_KINDS, BundleKind, parseBundle } from "../lib/fleet/bundle-format";
import { isVersion } from "../lib/fleet/version";

function list(value: string | undefined): string[] | undefined {
  const items = (value ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  return items.length ? items : undefined;
}

function fail(message: string): never {
  process.stderr.write(`sign-bundle: ${message}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      out: { type: "string" },
      key: { type: "string" },
      pub: { type: "string" },
      kind: { type: "string" },
      name: { type: "string" },
      version: { type: "string" },
      file: { type: "string" },
      groups: { type: "string" },
      "device-classes": { type: "string" },
      gateways: { type: "string" },
      description: { type: "string" },
    },
  });
  if (command === "keygen") {
    const dir = values.out ?? ".";
    fs.mkdirSync(dir, { recursive: true });
    const pair = generateSigningKey();
    const keyFile = path.join(dir, "bundle-signing.key");
    if (fs.existsSync(keyFile)) fail(`${keyFile} exists: not overwriting a signing key`);
    fs.writeFileSync(keyFile, pair.privateKeyPem, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "bundle-signing.pub"), pair.publicKeyPem);
    process.stdout.write(`key ${pair.keyId}: private ${keyFile}, public ${path.join(dir, "bundle-signing.pub")}\n`);
    return;
  }
  if (command === "sign") {
    if (!values.key || !values.file || !values.name || !values.version || !values.kind) fail("sign needs --key, --kind, --name, --version and --file");
    if (!BUNDLE_KINDS.includes(values.kind as BundleKind)) fail(`--kind must be one of ${BUNDLE_KINDS.join(", ")}`);
    if (!isVersion(values.version)) fail(`--version must be dotted numbers such as 4 or 1.2.0`);
    const bundle = signBundle(
      {
        kind: values.kind as BundleKind,
        name: values.name,
        version: values.version,
        targets: { gateways: list(values.gateways), groups: list(values.groups), deviceClasses: list(values["device-classes"]) },
        description: values.description,
      },
      fs.readFileSync(values.file),
      fs.readFileSync(values.key, "utf8"),
    );
    // JSON.stringify leaves the undefined target lists out, as the signed manifest does
    const text = JSON.stringify(bundle);
    if (values.out) fs.writeFileSync(values.out, text);
    else process.stdout.write(`${text}\n`);
    return;
  }
  if (command === "verify") {
    if (!values.pub || !values.file) fail("verify needs --pub and --file");
    const bundle = parseBundle(fs.readFileSync(values.file), Number.MAX_SAFE_INTEGER);
    const { keyId } = verifyBundle(bundle, parsePublicKeys(fs.readFileSync(values.pub, "utf8")));
    process.stdout.write(`ok: ${bundle.manifest.kind}/${bundle.manifest.name} v${bundle.manifest.version}, signed by ${keyId}\n`);
    return;
  }
  fail("usage: sign-bundle.ts keygen --out DIR | sign --key KEY --kind model|rules --name N --version V --file F [--groups a,b] [--device-classes c] [--gateways g] [--out F] | verify --pub PUB --file BUNDLE");
}

try {
  main(process.argv.slice(2));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
