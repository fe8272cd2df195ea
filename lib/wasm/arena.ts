/**
 * One growable shared WebAssembly.Memory used as a bump arena: an op allocates its inputs, output and
 * scratch, runs, copies its result out, and the next op starts from the bottom again. Ops are synchronous
 * (a parallel op blocks the main thread until its workers finish), so no two ops ever overlap and there
 * is nothing to free. The memory only grows, to the largest op seen so far.
 */
import { ALIGN, MAX_PAGES, PAGE_BYTES, ZERO_BYTES } from "./layout.js";

export class Arena {
  readonly memory: WebAssembly.Memory;
  private top = ZERO_BYTES;
  private views: { bytes: number; f32: Float32Array; f64: Float64Array } | undefined;

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
  }

  /** A new shared memory of one page, growable to MAX_PAGES. */
  static create(): Arena {
    return new Arena(new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true }));
  }

  /** Forgets every allocation (the first ZERO_BYTES stay reserved and zero). */
  reset(): void {
    this.top = ZERO_BYTES;
  }

  /** Whether `bytes` more (in ALIGN-rounded pieces already summed by the caller) would still fit. */
  fits(bytes: number): boolean {
    return this.top + bytes <= MAX_PAGES * PAGE_BYTES;
  }

  /**
   * Reserves `bytes` at a cache-line boundary and returns the byte address, growing the memory if needed.
   * Throws a RangeError past the memory's maximum (2 GiB).
   */
  alloc(bytes: number): number {
    const address = this.top;
    const end = address + Math.ceil(bytes / ALIGN) * ALIGN;
    if (end > MAX_PAGES * PAGE_BYTES)
      throw new RangeError(`wasm arena: ${end} bytes exceed the ${MAX_PAGES * PAGE_BYTES}-byte maximum`);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
    this.top = end;
    return address;
  }

  /** A Float32Array over the whole memory; re-made after the memory grew. */
  f32(): Float32Array {
    return this.current().f32;
  }

  /** A Float64Array over the whole memory; re-made after the memory grew. */
  f64(): Float64Array {
    return this.current().f64;
  }

  private current(): { bytes: number; f32: Float32Array; f64: Float64Array } {
    const buffer = this.memory.buffer;
    if (this.views?.bytes !== buffer.byteLength)
      this.views = { bytes: buffer.byteLength, f32: new Float32Array(buffer), f64: new Float64Array(buffer) };
    return this.views;
  }
}
