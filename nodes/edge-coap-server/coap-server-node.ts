import type { Node } from "../_shared/node-red";
import type { CoapServer, Resource, ResourceSettings } from "../../lib/coap/coap-server";
import type { DtlsServer } from "../../lib/coap/dtls/dtls-server";

/** what edge-coap-server offers the edge-coap-in nodes that use it */
export interface CoapServerNode extends Node {
  /** registers a resource; the socket is bound on the first one */
  addResource(path: string, settings: ResourceSettings): Promise<Resource>;
  /** the server, once listening */
  server(): CoapServer | undefined;
  /** the DTLS endpoint when the node serves coaps:// */
  dtls(): DtlsServer | undefined;
  responseTimeoutMs: number;
}
