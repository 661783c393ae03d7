/**
 * edge-coap-server: the UDP endpoint (port, bind address) shared by the edge-coap-in resources of a flow, and
 * optionally a DTLS 1.2 endpoint with pre-shared keys beside it (coaps://). The sockets are bound when the first
 * resource registers and closed with the node. The PSK identities are listed in the config, their keys kept in one
 * `password` credential (see nodes/_shared/secret-credentials.ts).
 */
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import { errorText } from "../_shared/node-red";
import { readSettings } from "../_shared/read-settings";
import * as settingsModule from "./settings";
import type { Settings } from "./settings";
import type { CoapServerNode } from "./coap-server-node";
import { CoapServer } from "../../lib/coap/coap-server";
import { DtlsServer, HandshakeFailure } from "../../lib/coap/dtls/dtls-server";
import { foldSecretEdits } from "../_shared/secret-credentials";
import { LogOnce } from "../../lib/common/log-once";

/** an identity as a peer sent it, fit for one log line: control characters escaped, cut at 64 characters */
function printable(identity: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = identity.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return escaped.length > 64 ? escaped.slice(0, 64) + "…" : escaped;
}

export = function register(RED: NodeAPI): void {
  function EdgeCoapServerNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this as CoapServerNode;
    const read = readSettings(RED, node, settingsModule, def);
    if (!read) {
      // the resources using this server say why it cannot serve
      const unusable = new Error(RED._("edge-coap-server.errors.settings"));
      node.addResource = () => Promise.reject(unusable);
      node.server = () => undefined;
      node.dtls = () => undefined;
      node.responseTimeoutMs = 30000;
      return;
    }
    const config = read;
    const address = config.address;
    let secure: DtlsServer | undefined;
    let setupError: Error | undefined;
    if (config.dtls) {
      try {
        secure = startDtls(node, config, address);
      } catch (err) {
        // a bad key list must not leave coaps:// silently off: every resource reports it
        setupError = new Error(RED._("edge-coap-server.errors.dtls-keys", { error: errorText(err) }));
        node.error(setupError.message);
      }
    }
    const server = new CoapServer({
      port: config.port,
      address,
      maxPayloadBytes: config.maxPayloadKB * 1024,
      blockBytes: Number(config.blockSize),
      responseTimeoutMs: config.responseTimeoutS * 1000,
      secure,
    });
    node.responseTimeoutMs = config.responseTimeoutS * 1000;
    node.dtls = () => secure;
    let listening: Promise<void> | undefined;
    let ready = false;
    server.on("warning", (err: unknown) => node.warn(errorText(err)));

    node.addResource = async (path, settings) => {
      if (setupError) throw setupError;
      listening ??= server.listen().then(
        () => {
          ready = true;
          if (secure) node.log(RED._("edge-coap-server.log.dtls", { address, port: secure.port }));
        },
        (err: Error) => {
          const port = secure ? `${config.port}, ${config.dtlsPort}` : config.port;
          throw new Error(RED._("edge-coap-server.errors.listen", { address, port, error: err.message }));
        },
      );
      await listening;
      return server.addResource(path, settings);
    };
    node.server = () => (ready ? server : undefined);

    node.on("close", (_removed: boolean, done: () => void) => {
      server.close().finally(() => done());
    });
  }

  function startDtls(node: CoapServerNode, config: Settings, address: string): DtlsServer {
    const listed = config.pskIdentities;
    const stored = foldSecretEdits(RED, node, { storedKey: "pskKeys", editsKey: "pskKeyEdits", listed });
    const keys = new Map<string, Buffer>();
    for (const identity of listed ?? Object.keys(stored)) {
      const key = stored[identity]?.key;
      if (key) keys.set(identity, Buffer.from(key, "utf8"));
      else node.warn(RED._("edge-coap-server.warnings.no-key", { identity }));
    }
    const dtls = new DtlsServer({ port: config.dtlsPort, address, keys, identityHint: config.identityHint });
    // a device retrying with a wrong key would log a line per attempt: each distinct failure once, until that
    // identity gets in again
    const failures = new LogOnce((text) => node.warn(text));
    const text = (reason: HandshakeFailure, identity: string | undefined, source: string) =>
      RED._(`edge-coap-server.warnings.handshake-${reason}`, { identity: printable(identity ?? "-"), source });
    dtls.on("handshake-failed", (f: { address: string; port: number; identity?: string; reason: HandshakeFailure }) => {
      // the source port changes with every attempt of a device: the address alone makes the failure "the same"
      failures.log(text(f.reason, f.identity, f.address));
    });
    dtls.on("session", (peer: { address: string; identity: string }) => {
      failures.reset(text("bad-key", peer.identity, peer.address));
    });
    dtls.on("warning", (err: unknown) => failures.log(errorText(err)));
    return dtls;
  }

  RED.nodes.registerType("edge-coap-server", EdgeCoapServerNode, {
    credentials: {
      pskKeys: { type: "password" },
      pskKeyEdits: { type: "password" },
    },
  });
};
