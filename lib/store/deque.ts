/** A FIFO with O(1) push, shift and unshift (an array with a moving head, compacted now and then). */
export class Deque<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined as unknown as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** the items, head first (for a pass over all of them) */
  *values(): Generator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i];
  }

  /** removes the first item matching, O(n) */
  remove(match: (item: T) => boolean): T | undefined {
    for (let i = this.head; i < this.items.length; i++) {
      if (match(this.items[i])) return this.items.splice(i, 1)[0];
    }
    return undefined;
  }
}
