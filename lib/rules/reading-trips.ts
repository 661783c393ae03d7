/**
 * The rule names active for each reading of one evaluation (Evaluation.tripped), as a ReadonlyMap. An event mostly
 * carries one reading: its entry is held in two fields, and a Map is made only for a second reading or when the
 * result is iterated. A Map per event with an alert open was about 200 B, a quarter of what an evaluation
 * allocated in the rules benchmark.
 */
export class ReadingTrips implements ReadonlyMap<string, readonly string[]> {
  private readonly firstKey: string;
  private firstValue: readonly string[];
  /** every entry, the first included, once there are two or once iterated */
  private all: Map<string, readonly string[]> | undefined = undefined;

  constructor(readingId: string, names: readonly string[]) {
    this.firstKey = readingId;
    this.firstValue = names;
  }

  /** the reading's names; a reading id seen again (two readings with one id) adds its names after the first's */
  add(readingId: string, names: readonly string[]): void {
    if (this.all === undefined && readingId === this.firstKey) {
      this.firstValue = [...this.firstValue, ...names];
      return;
    }
    const all = this.asMap();
    const before = all.get(readingId);
    all.set(readingId, before ? [...before, ...names] : names);
  }

  get size(): number {
    return this.all ? this.all.size : 1;
  }

  get(readingId: string): readonly string[] | undefined {
    if (this.all) return this.all.get(readingId);
    return readingId === this.firstKey ? this.firstValue : undefined;
  }

  has(readingId: string): boolean {
    return this.all ? this.all.has(readingId) : readingId === this.firstKey;
  }

  forEach(callback: (names: readonly string[], readingId: string, map: ReadonlyMap<string, readonly string[]>) => void, thisArg?: unknown): void {
    this.asMap().forEach((names, readingId) => callback.call(thisArg, names, readingId, this));
  }

  entries(): MapIterator<[string, readonly string[]]> {
    return this.asMap().entries();
  }

  keys(): MapIterator<string> {
    return this.asMap().keys();
  }

  values(): MapIterator<readonly string[]> {
    return this.asMap().values();
  }

  [Symbol.iterator](): MapIterator<[string, readonly string[]]> {
    return this.entries();
  }

  private asMap(): Map<string, readonly string[]> {
    return (this.all ??= new Map([[this.firstKey, this.firstValue]]));
  }
}
