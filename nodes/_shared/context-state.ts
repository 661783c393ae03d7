/**
 * A node's state kept in its context store, so it survives restarts and redeploys (persistent when the store is a
 * file store): read back once at start, saved on demand or at most once a second after changes.
 */
import type { Node } from "./node-red";

export interface ContextState<T> {
  /** settles once the stored state was read (undefined when there was none, or it could not be read) */
  readonly restored: Promise<T | undefined>;
  /** saves now */
  save(): Promise<void>;
  /** saves within a second, once for any number of calls meanwhile */
  scheduleSave(): void;
  /** drops a scheduled save (the close handler saves itself) */
  cancel(): void;
}

export function contextState<T>(node: Node, key: string, store: string | undefined, snapshot: () => T, onReadError?: (err: Error) => void): ContextState<T> {
  const context = node.context();
  let timer: NodeJS.Timeout | undefined;
  const save = () => new Promise<void>((resolve) => context.set(key, snapshot(), store, () => resolve()));
  const restored = new Promise<T | undefined>((resolve) => {
    context.get(key, store, (err: Error | null | undefined, value: unknown) => {
      if (err) onReadError?.(err);
      resolve(!err && value ? (value as T) : undefined);
    });
  });
  return {
    restored,
    save,
    scheduleSave() {
      timer ??= setTimeout(() => {
        timer = undefined;
        void save();
      }, 1000);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
