/** Node statuses of a running Node-RED as the editor receives them: its comms websocket, topic status/<node id>. */
import WebSocket from "ws";

export interface NodeStatus {
  fill?: string;
  shape?: string;
  text?: string;
}

export interface StatusFeed {
  /** the latest status of each node that has one */
  latest: Map<string, NodeStatus>;
  /** every status seen, in order */
  history: Array<{ id: string; status: NodeStatus }>;
  close(): void;
}

export async function statusFeed(url: string): Promise<StatusFeed> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/comms`);
  const latest = new Map<string, NodeStatus>();
  const history: StatusFeed["history"] = [];
  ws.on("message", (data) => {
    let batch: Array<{ topic: string; data: NodeStatus }>;
    try {
      batch = JSON.parse(data.toString());
    } catch {
      return;
    }
    for (const m of Array.isArray(batch) ? batch : [batch]) {
      if (typeof m?.topic !== "string" || !m.topic.startsWith("status/")) continue;
      const id = m.topic.slice("status/".length);
      latest.set(id, m.data ?? {});
      history.push({ id, status: m.data ?? {} });
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(JSON.stringify({ subscribe: "status/#" }));
  return { latest, history, close: () => ws.close() };
}
