/**
 * How a matmul is cut into chunks for threads: pure arithmetic on the shape, no memory, no kernels.
 */
import { tileCols, type GemmLayout } from "./layout.js";
import { MAX_CHUNKS } from "./pool.js";

/** One chunk of a product: a range of batch items, rows and columns. */
export interface Part {
  readonly t0: number;
  readonly t1: number;
  readonly i0: number;
  readonly i1: number;
  readonly j0: number;
  readonly j1: number;
}

/** How a product is cut into chunks that threads claim one at a time. */
export interface Plan {
  readonly parts: Part[];
  /** Pack B once up front and let every chunk read it (chunks that share B: a split over rows). */
  readonly prepackB: boolean;
}

/**
 * Cuts the work into about 4 chunks per thread, so a thread that starts late or runs slow (a busy
 * machine) takes fewer of them. In order of preference: whole batch items; rows in multiples of the tile
 * height (B packed once and shared); columns in multiples of the tile width (each chunk packs its own
 * columns of B; chosen only when there are few rows, so repacking A is cheap). Chunks never change how
 * one output element is summed, so the result is the same on any number of threads.
 *
 * @param sharedB every batch item uses the same B (then B can be packed once for all of them)
 */
export function planWork(
  g: GemmLayout,
  batch: number,
  m: number,
  n: number,
  threads: number,
  sharedB: boolean,
): Plan {
  const whole: Part = { t0: 0, t1: batch, i0: 0, i1: m, j0: 0, j1: n };
  if (threads <= 1) return { parts: [whole], prepackB: false };
  const target = Math.min(MAX_CHUNKS, 4 * threads);
  const ranges = (count: number, unit: number, chunks: number): Array<[number, number]> => {
    const units = Math.ceil(count / unit);
    const parts = Math.max(1, Math.min(chunks, units));
    const out: Array<[number, number]> = [];
    for (let p = 0; p < parts; p++) {
      const start = Math.round((units * p) / parts) * unit;
      const end = Math.min(count, Math.round((units * (p + 1)) / parts) * unit);
      if (end > start) out.push([start, end]);
    }
    return out;
  };
  const nr = tileCols(g);
  if (batch >= 2 * threads)
    return { parts: ranges(batch, 1, target).map(([t0, t1]) => ({ ...whole, t0, t1 })), prepackB: sharedB };
  if (m >= 2 * threads * g.mr) {
    const chunks = Math.min(target, Math.floor(m / (2 * g.mr)));
    return {
      parts: ranges(m, g.mr, chunks).map(([i0, i1]) => ({ ...whole, i0, i1 })),
      prepackB: batch === 1 || sharedB,
    };
  }
  if (n >= 2 * threads * nr) {
    const chunks = Math.min(target, Math.floor(n / (2 * nr)));
    return { parts: ranges(n, nr, chunks).map(([j0, j1]) => ({ ...whole, j0, j1 })), prepackB: false };
  }
  if (batch >= 2)
    return { parts: ranges(batch, 1, target).map(([t0, t1]) => ({ ...whole, t0, t1 })), prepackB: sharedB };
  return { parts: [whole], prepackB: false };
}
