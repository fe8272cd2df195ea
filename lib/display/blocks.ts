/**
 * Downsampling a large matrix for a picture: rows and columns are grouped into at most `maxRows` ×
 * `maxCols` contiguous blocks and each block shows the mean of its finite entries. A 1000×1000 Jacobian
 * becomes 32×32 cells, so the figure stays small and still shows the structure.
 */

export interface Blocks {
  readonly rows: number;
  readonly cols: number;
  /** Mean of the finite values in block (i, j); NaN when it has none. */
  readonly values: Float64Array;
  /** [start, end) of the source rows of block i, and of the source columns of block j. */
  rowRange(i: number): [number, number];
  colRange(j: number): [number, number];
  /** Whether any block holds more than one entry. */
  readonly aggregated: boolean;
}

/**
 * Groups an r × c matrix into at most maxRows × maxCols blocks (the identity when it already fits).
 * @example blocks(4, 4, (i, j) => i + j, 2, 2).values // Float64Array [1, 3, 3, 5]
 */
export function blocks(
  r: number,
  c: number,
  at: (i: number, j: number) => number,
  maxRows: number,
  maxCols: number,
): Blocks {
  const rows = Math.min(r, maxRows);
  const cols = Math.min(c, maxCols);
  const rowRange = (i: number): [number, number] => [
    Math.floor((i * r) / rows),
    Math.floor(((i + 1) * r) / rows),
  ];
  const colRange = (j: number): [number, number] => [
    Math.floor((j * c) / cols),
    Math.floor(((j + 1) * c) / cols),
  ];
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const [r0, r1] = rowRange(i);
    for (let j = 0; j < cols; j++) {
      const [c0, c1] = colRange(j);
      let sum = 0;
      let n = 0;
      for (let a = r0; a < r1; a++) {
        for (let b = c0; b < c1; b++) {
          const v = at(a, b);
          if (Number.isFinite(v)) {
            sum += v;
            n++;
          }
        }
      }
      values[i * cols + j] = n > 0 ? sum / n : r1 - r0 === 1 && c1 - c0 === 1 ? at(r0, c0) : NaN;
    }
  }
  return { rows, cols, values, rowRange, colRange, aggregated: rows < r || cols < c };
}
