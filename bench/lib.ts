/**
 * gradlab's library against tfjs (cpu backend), side by side in the same process, interleaved so that
 * machine noise hits both. Prints medians, the ratio tfjs/gradlab and whether issue 4's targets are met.
 *
 *   npm run bench:lib            (GRADLAB_BENCH_QUICK=1 for a shorter run)
 */
import * as tf from "@tensorflow/tfjs";
import v8 from "node:v8";
import vm from "node:vm";
import os from "node:os";
import * as g from "../lib/index.js";
import { Tensor, tensor, randn, linear, tanh, jacobian, nn, optim } from "../lib/index.js";

const QUICK = process.env.GRADLAB_BENCH_QUICK === "1";
/**
 * The clock: process CPU time by default (both libraries run single-threaded here, and CPU time is far
 * less disturbed than wall time when other jobs share the cores); GRADLAB_BENCH_CLOCK=wall for wall time.
 */
const WALL = process.env.GRADLAB_BENCH_CLOCK === "wall";
function now(): number {
  if (WALL) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// A full GC before each timed round, so neither library pays for the other's garbage.
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;
const ROUNDS = QUICK ? 5 : 15;

/** Median time per call in ms of fn, measured in `rounds` rounds of enough calls to last ~budget ms. */
function calibrate(fn: () => void, budgetMs: number): number {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t0;
    if (dt > budgetMs / 4 || n > 1e6) return Math.max(1, Math.round((n * budgetMs) / Math.max(dt, 1e-3)));
    n *= 4;
  }
}

function timeRound(fn: () => void, n: number): number {
  collect();
  const t0 = now();
  for (let i = 0; i < n; i++) fn();
  return (now() - t0) / n;
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Case {
  name: string;
  gradlab: () => void;
  tfjs: () => void;
  /** required tfjs/gradlab ratio */
  target: number;
  targetText: string;
}

function run(c: Case): {
  name: string;
  ours: number;
  theirs: number;
  ratio: number;
  target: string;
  met: boolean;
} {
  const budget = QUICK ? 60 : 150;
  // warm up both (JIT, tfjs kernels)
  for (let i = 0; i < 3; i++) {
    c.gradlab();
    c.tfjs();
  }
  const na = calibrate(c.gradlab, budget);
  const nb = calibrate(c.tfjs, budget);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ours.push(timeRound(c.gradlab, na));
    theirs.push(timeRound(c.tfjs, nb));
  }
  const a = median(ours);
  const b = median(theirs);
  return { name: c.name, ours: a, theirs: b, ratio: b / a, target: c.targetText, met: b / a >= c.target };
}

function fmt(ms: number): string {
  if (ms < 0.01) return `${(ms * 1000).toFixed(2)} µs`;
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  return `${ms.toFixed(2)} ms`;
}

// ---- 3-2-1 tanh network, forward + backward ------------------------------------------------------
function net321(): Case {
  const W1 = randn([2, 3], { seed: 1 }).requireGrad();
  const b1 = randn([2], { seed: 2 }).requireGrad();
  const W2 = randn([1, 2], { seed: 3 }).requireGrad();
  const b2 = randn([1], { seed: 4 }).requireGrad();
  const x = tensor([0.5, -1, 2]);
  const params = [W1, b1, W2, b2];
  const ours = () => {
    for (const p of params) p.grad = null;
    const y = tanh(linear(tanh(linear(x, W1, b1)), W2, b2)).sum();
    y.backward();
  };
  const tW1 = tf.variable(tf.tensor2d(Array.from(W1.data), [2, 3]));
  const tb1 = tf.variable(tf.tensor1d(Array.from(b1.data)));
  const tW2 = tf.variable(tf.tensor2d(Array.from(W2.data), [1, 2]));
  const tb2 = tf.variable(tf.tensor1d(Array.from(b2.data)));
  const tx = tf.tensor2d([0.5, -1, 2], [3, 1]);
  const theirs = () => {
    const { value, grads } = tf.variableGrads(() => {
      const h = tf.tanh(tf.add(tf.matMul(tW1, tx).reshape([2]), tb1));
      return tf.tanh(tf.add(tf.matMul(tW2, h.reshape([2, 1])).reshape([1]), tb2)).sum() as tf.Scalar;
    });
    value.dispose();
    for (const k in grads) grads[k].dispose();
  };
  return {
    name: "3-2-1 tanh net fwd+bwd (float64 vs tfjs f32)",
    gradlab: ours,
    tfjs: theirs,
    target: 25,
    targetText: "≥ 25×",
  };
}

// ---- Jacobian of tanh(Wx + b), W 100×100 ---------------------------------------------------------
function jacobian100(): Case {
  const n = 100;
  const W = randn([n, n], { seed: 5 }).mul(0.1);
  const b = randn([n], { seed: 6 });
  const x = randn([n], { seed: 7 });
  const ours = () => {
    jacobian((v: Tensor) => tanh(g.matmul(W, v).add(b)), x, { mode: "rev" });
  };
  const tW = tf.tensor2d(Array.from(W.data), [n, n]);
  const tb = tf.tensor1d(Array.from(b.data));
  const tx = tf.tensor1d(Array.from(x.data));
  const theirs = () => {
    tf.tidy(() => {
      const rows: tf.Tensor[] = [];
      for (let i = 0; i < n; i++) {
        const gi = tf.grad((v: tf.Tensor) =>
          tf
            .tanh(tf.add(tf.matMul(tW, v.reshape([n, 1])).reshape([n]), tb))
            .gather([i])
            .sum(),
        );
        rows.push(gi(tx));
      }
      return tf.stack(rows);
    }).dispose();
  };
  return {
    name: "Jacobian tanh(Wx+b), W 100×100 (one pass vs 100 tf.grad)",
    gradlab: ours,
    tfjs: theirs,
    target: 40,
    targetText: "≥ 40×",
  };
}

// ---- MLP 784-128-10, batch 64, one SGD step ---------------------------------------------------------
function mlpStep(dtype: "float32" | "float64"): Case {
  const B = 64;
  const X = randn([B, 784], { seed: 8, dtype });
  const labels = Array.from({ length: B }, (_, i) => (i * 7) % 10);
  const model = new nn.Sequential(
    new nn.Linear(784, 128, { seed: 1, dtype }),
    new nn.ReLU(),
    new nn.Linear(128, 10, { seed: 2, dtype }),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const ours = () => {
    opt.zeroGrad();
    nn.crossEntropy(model.forward(X), labels).backward();
    opt.step();
  };
  const tX = tf.tensor2d(Array.from(X.data), [B, 784]);
  const tY = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
  const [l1, , l2] = model.layers as nn.Linear[];
  const tW1 = tf.variable(tf.tensor2d(Array.from(l1.weight.data), [128, 784]));
  const tb1 = tf.variable(tf.tensor1d(Array.from(l1.bias!.data)));
  const tW2 = tf.variable(tf.tensor2d(Array.from(l2.weight.data), [10, 128]));
  const tb2 = tf.variable(tf.tensor1d(Array.from(l2.bias!.data)));
  const tOpt = tf.train.sgd(0.01);
  const theirs = () => {
    tOpt.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(tX, tW1, false, true), tb1));
      const logits = tf.add(tf.matMul(h, tW2, false, true), tb2);
      return tf.losses.softmaxCrossEntropy(tY, logits) as tf.Scalar;
    });
  };
  return dtype === "float32"
    ? {
        name: "MLP 784-128-10 batch 64 step, float32",
        gradlab: ours,
        tfjs: theirs,
        target: 4,
        targetText: "≥ 4×",
      }
    : {
        name: "MLP 784-128-10 batch 64 step, float64 (tfjs f32)",
        gradlab: ours,
        tfjs: theirs,
        target: 1,
        targetText: "≥ 1×",
      };
}

// ---- matmul 256 × 256 ---------------------------------------------------------------------------
function matmul256(dtype: "float32" | "float64"): Case {
  const n = 256;
  const a = randn([n, n], { seed: 9, dtype });
  const b = randn([n, n], { seed: 10, dtype });
  const ta = tf.tensor2d(Array.from(a.data), [n, n]);
  const tb = tf.tensor2d(Array.from(b.data), [n, n]);
  return {
    name: `matmul 256×256 ${dtype}${dtype === "float64" ? " (tfjs f32)" : ""}`,
    gradlab: () => void g.matmul(a, b),
    tfjs: () => tf.matMul(ta, tb).dataSync(),
    target: 4,
    targetText: "≥ 4×",
  };
}

async function main(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
  const cases = [
    net321(),
    jacobian100(),
    mlpStep("float32"),
    mlpStep("float64"),
    matmul256("float32"),
    matmul256("float64"),
  ];
  const rows = cases.map((c) => {
    const r = run(c);
    process.stderr.write(`  done: ${r.name}\n`);
    return r;
  });
  const header = ["case", "gradlab median", "tfjs-cpu median", "ratio", "target", "met?"];
  const table = rows.map((r) => [
    r.name,
    fmt(r.ours),
    fmt(r.theirs),
    `${r.ratio.toFixed(1)}×`,
    r.target,
    r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  console.log(
    `\ngradlab vs @tensorflow/tfjs ${tf.version.tfjs} (backend ${tf.getBackend()}), node ${process.version}, ` +
      `${ROUNDS} rounds, medians of ${WALL ? "wall" : "CPU"} time per call, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores\n`,
  );
  console.log(line(header));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const t of table) console.log(line(t));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
