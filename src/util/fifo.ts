/**
 * A first-in first-out list with O(1) shift: an array read from a moving head, compacted
 * once the consumed part is at least half of it. (Array.prototype.shift moves every
 * remaining element once an array is large, making a long queue quadratic to drain.) Pure.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head === this.items.length) this.clear();
    else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes every item. */
  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const out = this.items.slice(this.head);
    this.clear();
    return out;
  }
}
