// Binary min-heap of timed items ordered by (dueMs, seq): ties leave in insertion order, so packets the
// model gives the same delivery time keep their arrival order.

export interface Due {
  dueMs: number;
  /** Set by the heap on push. */
  seq: number;
}

export class DueHeap<T extends Due> {
  private items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    item.seq = this.nextSeq++;
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(item, a[p])) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(a[r], a[l]) ? r : l;
        if (!before(a[c], last)) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  /** Removes everything and returns it (unordered). */
  drain(): T[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}

function before(x: Due, y: Due): boolean {
  return x.dueMs < y.dueMs || (x.dueMs === y.dueMs && x.seq < y.seq);
}
