/**
 * edge-coap-server: the UDP endpoint (port, bind address) shared by the edge-coap-in resources of a flow. The socket
 * is bound when the first resource registers and closed with the node.
 */
import type { NodeAPI, Node, NodeDef } from "../_shared/node-red";
import { errorText, numberSetting } from "../_shared/node-red";
import type { CoapServerNode } from "./coap-server-node";
import { CoapServer } from "../../lib/coap/coap-server";

interface EdgeCoapServerDef extends NodeDef {
  port: string;
  address: string;
  maxPayloadKB: string;
  blockSize: string;
  responseTimeoutS: string;
}

export = function register(RED: NodeAPI): void {
  function EdgeCoapServerNode(this: Node, config: EdgeCoapServerDef) {
    RED.nodes.createNode(this, config);
    const node = this as CoapServerNode;
    const server = new CoapServer({
      port: numberSetting(config.port, 5683),
      address: config.address || "0.0.0.0",
      maxPayloadBytes: Math.max(1, numberSetting(config.maxPayloadKB, 1024)) * 1024,
      blockBytes: numberSetting(config.blockSize, 1024),
      responseTimeoutMs: Math.max(1, numberSetting(config.responseTimeoutS, 30)) * 1000,
    });
    node.responseTimeoutMs = Math.max(1, numberSetting(config.responseTimeoutS, 30)) * 1000;
    let listening: Promise<void> | undefined;
    let ready = false;
    server.on("warning", (err: unknown) => node.warn(errorText(err)));

    node.addResource = async (path, settings) => {
      listening ??= server.listen().then(
        () => {
          ready = true;
        },
        (err: Error) => {
          throw new Error(RED._("edge-coap-server.errors.listen", { address: config.address || "0.0.0.0", port: config.port, error: err.message }));
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

  RED.nodes.registerType("edge-coap-server", EdgeCoapServerNode);
};
