import { it } from "vitest";
import { add, matmul, sigmoid, tanh, tensor, sum, softmax, mean, log } from "gradlab";
import { trace, backpropTrace } from "../../lib/autodiff/trace.js";
it("probe", () => {
  const W1 = tensor([[0.2, -0.4, 0.1], [0.5, 0.3, -0.2]], { requiresGrad: true, name: "W1" });
  const x = tensor([1, 2, -1], { name: "x" });
  const b1 = tensor([0.1, -0.1], { requiresGrad: true, name: "b1" });
  const W2 = tensor([[0.7, -0.6]], { requiresGrad: true, name: "W2" });
  const b2 = tensor([0.05], { requiresGrad: true, name: "b2" });
  const y = sigmoid(add(matmul(W2, tanh(add(matmul(W1, x), b1))), b2));
  for (const o of [{}, { composites: "expand" as const }]) {
    const t = trace(y, o);
    console.log(t.nodes.map((n) => `${n.id}:${n.name ?? n.op}[${n.shape}]<${n.inputs}>`).join(" "));
  }
  const l = mean(log(softmax(tensor([1, 2, 3], { requiresGrad: true, name: "z" }))));
  console.log(trace(l).nodes.map((n) => `${n.id}:${n.name ?? n.op}[${n.shape}]<${n.inputs}>`).join(" "));
  const bt = backpropTrace(sum(y));
  console.log(JSON.stringify(bt.steps.slice(0, 3)));
});
