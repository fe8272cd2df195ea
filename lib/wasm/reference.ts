/**
 * The plain TypeScript matmul the WebAssembly kernels are tested against, and the fallback for products
 * too large for the 2 GiB kernel memory. Written for clarity, not speed: one dot product per output,
 * accumulated in float64 (so in float32 it is the more accurate of the two).
 */

export interface ReferenceOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
  /** Elements between batch items of a (0 broadcasts). */
  readonly strideA?: number;
  /** Elements between batch items of b (0 broadcasts). */
  readonly strideB?: number;
  /** Matrix of a used by item t (overrides strideA). */
  readonly indexA?: ArrayLike<number>;
  /** Matrix of b used by item t (overrides strideB). */
  readonly indexB?: ArrayLike<number>;
}

/**
 * out[t] = op(A[t])·op(B[t]) for t < batch, same layout rules as matmulF64.
 *
 * @example
 * const out = new Float64Array(1);
 * matmulReference(new Float64Array([1, 2]), new Float64Array([3, 4]), out, 1, 1, 2, 1); // [11]
 */
export function matmulReference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  out: { [i: number]: number },
  batch: number,
  m: number,
  k: number,
  n: number,
  options: ReferenceOptions = {},
): void {
  const strideA = options.strideA ?? m * k;
  const strideB = options.strideB ?? k * n;
  const [sai, sap] = options.transA ? [1, m] : [k, 1];
  const [sbp, sbj] = options.transB ? [1, k] : [n, 1];
  for (let t = 0; t < batch; t++) {
    const a0 = options.indexA ? options.indexA[t] * m * k : t * strideA;
    const b0 = options.indexB ? options.indexB[t] * k * n : t * strideB;
    const c0 = t * m * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[a0 + i * sai + p * sap] * b[b0 + p * sbp + j * sbj];
        out[c0 + i * n + j] = sum;
      }
  }
}
