/**
 * The matmul kernel: plain loops on typed arrays, kept behind one function so that a WebAssembly version
 * (issue 9) can replace it. Everything here is pure apart from a scratch buffer for packing.
 *
 * Layout: row-major. `ta`/`tb` say that A is stored transposed ([k,m] instead of [m,k]) or B is ([n,k]
 * instead of [k,n]); packing reads either layout, so the transposed products of backward passes cost no
 * copy.
 */
import type { Storage } from "../dtype.js";
import { WASM_MODE, wasmMatmul, wasmMatmulPays } from "../../wasm/index.js";

/** Below this many multiply-adds the simple loops win (no packing). */
const SMALL = 4096;

/** Packing scratch, grown on demand. Float64 so float32 inputs are widened once, not in the inner loop. */
let scratchA = new Float64Array(0);
let scratchB = new Float64Array(0);

/**
 * out[oOff..] = op(A) @ op(B) for one [m,k] @ [k,n] pair. Overwrites out (no accumulation).
 * @example matmul(a, b, out, 2, 3, 4) // a: 2×3, b: 3×4, out: 2×4
 */
export function matmul(
  a: Storage,
  b: Storage,
  out: Storage,
  m: number,
  k: number,
  n: number,
  ta = false,
  tb = false,
  aOff = 0,
  bOff = 0,
  oOff = 0,
): void {
  // thin products (a matrix times a few vectors) gain nothing from 4×4 tiles and packing
  // GRADLAB_WASM=force sends every product to WebAssembly so the op table tests the kernels' edges.
  const forced = WASM_MODE === "force";
  if (!forced && (m * n * k <= SMALL || m < 4 || n < 4)) small(a, b, out, m, k, n, ta, tb, aOff, bOff, oOff);
  else if (!forced && n >= 8 && mostlyZero(a, aOff, m * k))
    sparseRows(a, b, out, m, k, n, ta, tb, aOff, bOff, oOff);
  else if (wasmMatmulPays(1, m, k, n)) {
    const A = a.subarray(aOff, aOff + m * k);
    const B = b.subarray(bOff, bOff + k * n);
    wasmMatmul(A, B, out.subarray(oOff, oOff + m * n), m, k, n, { transA: ta, transB: tb });
  } else tiled(a, b, out, m, k, n, ta, tb, aOff, bOff, oOff);
}

/**
 * Batched matmul with broadcasting of batch indices: for batch index t, A block `aIdx[t]`, B block
 * `bIdx[t]`, out block t.
 * @example matmulBatched(a, b, out, [0, 1], [0, 0], 2, 3, 4) // two A matrices times one shared B
 */
export function matmulBatched(
  a: Storage,
  b: Storage,
  out: Storage,
  aIdx: ArrayLike<number>,
  bIdx: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  ta = false,
  tb = false,
): void {
  for (let t = 0; t < aIdx.length; t++)
    matmul(a, b, out, m, k, n, ta, tb, aIdx[t] * m * k, bIdx[t] * k * n, t * m * n);
}

/**
 * Is at most a fifth of A non-zero? Autodiff produces such operands all the time (identity bases of
 * jacrev/jacfwd, one-hot targets, ReLU masks); skipping zero entries then beats the dense kernel. The
 * scan stops as soon as the answer is no. (Like BLAS, a skipped 0 times ∞ or NaN gives 0, not NaN.)
 */
function mostlyZero(a: Storage, off: number, len: number): boolean {
  const limit = len / 5;
  let nz = 0;
  for (let i = 0; i < len; i++) if (a[off + i] !== 0 && ++nz > limit) return false;
  return true;
}

/** Row-by-row C[i,:] = Σ_p A(i,p)·op(B)[p,:], skipping A(i,p) = 0. */
function sparseRows(
  a: Storage,
  b: Storage,
  out: Storage,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
  aOff: number,
  bOff: number,
  oOff: number,
): void {
  const ai = ta ? 1 : k;
  const ap = ta ? m : 1;
  const bp = tb ? 1 : n;
  const bj = tb ? k : 1;
  out.fill(0, oOff, oOff + m * n);
  for (let i = 0; i < m; i++) {
    const o = oOff + i * n;
    for (let p = 0; p < k; p++) {
      const v = a[aOff + i * ai + p * ap];
      if (v === 0) continue;
      const y = bOff + p * bp;
      for (let j = 0; j < n; j++) out[o + j] += v * b[y + j * bj];
    }
  }
}

function small(
  a: Storage,
  b: Storage,
  out: Storage,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
  aOff: number,
  bOff: number,
  oOff: number,
): void {
  // element (i,p) of op(A) is a[aOff + i*ai + p*ap]; (p,j) of op(B) is b[bOff + p*bp + j*bj]
  const ai = ta ? 1 : k;
  const ap = ta ? m : 1;
  const bp = tb ? 1 : n;
  const bj = tb ? k : 1;
  for (let i = 0; i < m; i++) {
    const ao = aOff + i * ai;
    for (let j = 0; j < n; j++) {
      let s = 0;
      let x = ao;
      let y = bOff + j * bj;
      for (let p = 0; p < k; p++, x += ap, y += bp) s += a[x] * b[y];
      out[oOff + i * n + j] = s;
    }
  }
}

function tiled(
  a: Storage,
  b: Storage,
  out: Storage,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
  aOff: number,
  bOff: number,
  oOff: number,
): void {
  const panels = (m + 3) >> 2;
  if (scratchA.length < panels * 4 * k) scratchA = new Float64Array(panels * 4 * k);
  if (scratchB.length < 4 * k) scratchB = new Float64Array(4 * k);
  const pa = scratchA;
  const pb = scratchB;
  // A in 4-row panels, interleaved: pa[panel*4k + p*4 + r] = A(4*panel + r, p)
  const ai = ta ? 1 : k;
  const ap = ta ? m : 1;
  for (let ip = 0; ip < panels; ip++) {
    const base = ip * k * 4;
    for (let r = 0; r < 4; r++) {
      const i = ip * 4 + r;
      if (i < m) {
        let x = aOff + i * ai;
        for (let p = 0; p < k; p++, x += ap) pa[base + p * 4 + r] = a[x];
      } else for (let p = 0; p < k; p++) pa[base + p * 4 + r] = 0;
    }
  }
  const bp = tb ? 1 : n;
  const bj = tb ? k : 1;
  for (let j0 = 0; j0 < n; j0 += 4) {
    const nb = Math.min(4, n - j0);
    // B panel of 4 columns: pb[p*4 + c] = B(p, j0 + c)
    for (let c = 0; c < 4; c++) {
      if (c < nb) {
        let y = bOff + (j0 + c) * bj;
        for (let p = 0; p < k; p++, y += bp) pb[p * 4 + c] = b[y];
      } else for (let p = 0; p < k; p++) pb[p * 4 + c] = 0;
    }
    for (let ip = 0; ip < panels; ip++) {
      // a 4×4 block of C in 16 locals (registers), accumulated over k
      // prettier-ignore
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0,
          c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let q = ip * k * 4;
      // prettier-ignore
      for (let p = 0, w = 0; p < k; p++, q += 4, w += 4) {
        const b0 = pb[w], b1 = pb[w + 1], b2 = pb[w + 2], b3 = pb[w + 3];
        const x0 = pa[q], x1 = pa[q + 1], x2 = pa[q + 2], x3 = pa[q + 3];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      const i0 = ip * 4;
      const o = oOff + i0 * n + j0;
      if (nb === 4 && i0 + 4 <= m) {
        const o1 = o + n;
        const o2 = o1 + n;
        const o3 = o2 + n;
        // prettier-ignore
        {
          out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03;
          out[o1] = c10; out[o1 + 1] = c11; out[o1 + 2] = c12; out[o1 + 3] = c13;
          out[o2] = c20; out[o2 + 1] = c21; out[o2 + 2] = c22; out[o2 + 3] = c23;
          out[o3] = c30; out[o3 + 1] = c31; out[o3 + 2] = c32; out[o3 + 3] = c33;
        }
      } else {
        const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        const rows = Math.min(4, m - i0);
        for (let r = 0; r < rows; r++) for (let c = 0; c < nb; c++) out[o + r * n + c] = t[r * 4 + c];
      }
    }
  }
}
