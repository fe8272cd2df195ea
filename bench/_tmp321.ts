import { tensor, randn, nn, linear } from "../lib/index.js";
const W1 = randn([2, 3], { seed: 1 }).requireGrad(), b1 = randn([2], { seed: 2 }).requireGrad();
const W2 = randn([1, 2], { seed: 3 }).requireGrad(), b2 = randn([1], { seed: 4 }).requireGrad();
const x = tensor([0.5, -1, 2]);
function step() {
  const h = linear(x, W1, b1).tanh();
  const y = linear(h, W2, b2).tanh().sum();
  W1.grad = null; b1.grad = null; W2.grad = null; b2.grad = null;
  y.backward();
}
for (let i = 0; i < 20000; i++) step();
for (let r = 0; r < 5; r++) {
  const N = 50000; const t0 = performance.now();
  for (let i = 0; i < N; i++) step();
  console.log(((performance.now() - t0) / N * 1000).toFixed(2), "us");
}
