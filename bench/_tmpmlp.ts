import { randn, nn, optim } from "../lib/index.js";
const dtype = (process.argv[2] ?? "float32") as "float32" | "float64";
const B = 64;
const X = randn([B, 784], { seed: 8, dtype });
const labels = Array.from({ length: B }, (_, i) => (i * 7) % 10);
const model = new nn.Sequential(new nn.Linear(784, 128, { seed: 1, dtype }), new nn.ReLU(), new nn.Linear(128, 10, { seed: 2, dtype }));
const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
const step = () => { opt.zeroGrad(); nn.crossEntropy(model.forward(X), labels).backward(); opt.step(); };
for (let i = 0; i < 20; i++) step();
for (let r = 0; r < 5; r++) { const t0 = performance.now(); const c0 = process.cpuUsage(); for (let i = 0; i < 20; i++) step(); const c = process.cpuUsage(c0); console.log(dtype, ((performance.now() - t0) / 20).toFixed(2), "ms wall", (c.user / 1000 / 20).toFixed(2), "ms cpu"); }
