/**
 * libcoap's client run asynchronously: the harness's coapClient() blocks the event loop (spawnSync), which is fine
 * against libcoap's server but would starve a server running in this process.
 */
import { requireBinary, spawnTracked, Spawned } from "../harness/processes";
import { waitFor } from "../harness/wait";

export interface LibcoapRun {
  proc: Spawned;
  /** stdout so far */
  stdout(): string;
  /** resolves with exit status and output when the client exits (killed after timeoutMs) */
  finished: Promise<{ status: number | null; stdout: string; output: string }>;
}

export function startLibcoapClient(args: string[], { dtls = false, timeoutMs = 20000 } = {}): LibcoapRun {
  const bin = requireBinary(dtls ? "coap-client-openssl" : "coap-client-notls");
  const proc = spawnTracked(bin, args);
  let stdout = "";
  proc.child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("latin1")));
  const timer = setTimeout(() => void proc.stop("SIGKILL"), timeoutMs);
  const finished = new Promise<{ status: number | null; stdout: string; output: string }>((resolve) => {
    proc.child.once("exit", (status) => {
      clearTimeout(timer);
      // let the stdout stream drain before reading it
      setImmediate(() => resolve({ status, stdout, output: proc.output() }));
    });
  });
  return { proc, stdout: () => stdout, finished };
}

export async function libcoap(args: string[], options: { dtls?: boolean; timeoutMs?: number } = {}): Promise<{ status: number | null; stdout: string; output: string }> {
  return startLibcoapClient(args, options).finished;
}

export { waitFor };
