/**
 * Counts how often each 64-bit content hash has been seen in one file, in typed arrays, so that
 * memory stays at about 10 bytes a distinct payment rather than a string each (a 5-million-row
 * file fits in ~80 MB). Open addressing with linear probing; (0, 0) marks an empty slot.
 */
export class OccurrenceCounter {
  private hi = new Uint32Array(1 << 16);
  private lo = new Uint32Array(1 << 16);
  private seen = new Uint16Array(1 << 16);
  private size = 0;

  /** Returns how many times this hash was counted before, and counts it once more. */
  next(high: number, low: number): number {
    const hashHi = high >>> 0;
    const lo = hashHi === 0 && low >>> 0 === 0 ? 1 : low >>> 0;
    if (this.size * 4 >= this.hi.length * 3) this.grow();
    const mask = this.hi.length - 1;
    let i = slot(hashHi, lo, mask);
    while (this.hi[i] !== 0 || this.lo[i] !== 0) {
      if (this.hi[i] === hashHi && this.lo[i] === lo) {
        const before = this.seen[i] as number;
        if (before < 0xffff) this.seen[i] = before + 1;
        return before;
      }
      i = (i + 1) & mask;
    }
    this.hi[i] = hashHi;
    this.lo[i] = lo;
    this.seen[i] = 1;
    this.size++;
    return 0;
  }

  private grow() {
    const { hi, lo, seen } = this;
    this.hi = new Uint32Array(hi.length * 2);
    this.lo = new Uint32Array(hi.length * 2);
    this.seen = new Uint16Array(hi.length * 2);
    const mask = this.hi.length - 1;
    for (let j = 0; j < hi.length; j++) {
      if (hi[j] === 0 && lo[j] === 0) continue;
      let i = slot(hi[j] as number, lo[j] as number, mask);
      while (this.hi[i] !== 0 || this.lo[i] !== 0) i = (i + 1) & mask;
      this.hi[i] = hi[j] as number;
      this.lo[i] = lo[j] as number;
      this.seen[i] = seen[j] as number;
    }
  }
}

function slot(hi: number, lo: number, mask: number): number {
  return (Math.imul(hi, 0x85ebca6b) ^ lo) & mask;
}
