/**
 * Replaces a file so that after a crash it holds either the old content or the new, whole: written to a temporary
 * file beside it, fsynced, renamed over it, and the folder fsynced so the rename itself survives a power cut.
 * On failure (a full disk) the temporary file is removed and the old file is left as it was.
 */
import * as fs from "fs";
import * as path from "path";
import { fileError } from "./append-journal";

/** `content`: the bytes, or chunks written one after the other (a large snapshot need not be one string) */
export function writeFileAtomic(file: string, content: string | Buffer | Iterable<string | Buffer>): number {
  const tmp = `${file}.tmp`;
  let bytes = 0;
  try {
    const fd = fs.openSync(tmp, "w", 0o644);
    try {
      const chunks = typeof content === "string" || Buffer.isBuffer(content) ? [content] : content;
      for (const chunk of chunks) bytes += writeAll(fd, typeof chunk === "string" ? Buffer.from(chunk) : chunk);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw fileError(err, "write", file);
  }
  syncFolder(path.dirname(file));
  return bytes;
}

/** makes a rename, creation or deletion in the folder durable */
export function syncFolder(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, buf: Buffer): number {
  let at = 0;
  while (at < buf.length) {
    const n = fs.writeSync(fd, buf, at, buf.length - at);
    if (n <= 0) throw Object.assign(new Error("write made no progress"), { code: "EIO" });
    at += n;
  }
  return at;
}
