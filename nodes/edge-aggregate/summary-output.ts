/** How edge-aggregate's summaries become messages: one per summary, or one per window (columnar, maybe compressed). */
import { CONTENT_TYPE, encodeSummaries, type Encoding } from "../../lib/aggregate/summary-codec";
import { toBatch, type NamedSummary } from "../../lib/aggregate/summary-batch";
import { newEventId, PRIORITY } from "../../lib/contract/message";

export function summaryMessage(s: NamedSummary) {
  // a summary is a message of its own, with an id of its own
  return { topic: `summary/${s.deviceName}/${s.resourceName}`, payload: s, eventId: newEventId(), priority: PRIORITY.bulk };
}

export function batchMessage(rows: readonly NamedSummary[], encoding: Encoding) {
  // uncompressed: the object itself, for the flow's next nodes; compressed: the bytes to publish as they are
  const body = encoding === "none" ? { payload: toBatch(rows), contentType: CONTENT_TYPE } : encodeSummaries(rows, encoding);
  return {
    topic: "summaries",
    ...body,
    eventId: newEventId(),
    priority: PRIORITY.bulk,
  };
}
