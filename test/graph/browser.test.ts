/**
 * What a person sees: two steppers on one page in Chromium (network blocked), driven by clicks, the slider
 * and the keyboard; the same page with JavaScript off; the graph picture. Screenshots: test-output/graph/.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { add, matmul, sigmoid, square, sub, sum, tensor, DISPLAY } from "gradlab";
import { backpropSteps } from "../../lib/autodiff/trace.js";
import { graph } from "../../lib/display/graph/index.js";
import { stepper, type Stepper } from "../../lib/display/stepper/index.js";
import { hasChromium, openBrowser, type BrowserSession } from "../support/browser.js";
import { requireTool } from "../support/e2e.js";
import { net321, refVjp } from "./reference.js";

const run = requireTool("chromium", hasChromium());

function referenceStepper(): Stepper {
  const { trace } = net321();
  return stepper({ ...trace, steps: backpropSteps(trace, refVjp(trace)) }, { id: "gls-ref" });
}

/** The lecture's network with a sigmoid hidden layer, on gradlab tensors, forward pass first. */
function sigmoidNet() {
  const W1 = tensor(
    [
      [0.2, -0.4, 0.1],
      [0.5, 0.3, -0.2],
    ],
    { requiresGrad: true, name: "W1" },
  );
  const x = tensor([1, 2, -1], { requiresGrad: true, name: "x" });
  const z = add(matmul(W1, x), tensor([0.1, -0.1], { requiresGrad: true, name: "b1" })).named("z");
  const h = sigmoid(z).named("h");
  const y = matmul(tensor([[0.7, -0.6]], { requiresGrad: true, name: "W2" }), h).named("y");
  const loss = sum(square(sub(y, tensor([0.5]))));
  return { s: stepper(loss, { id: "gls-sig", forward: true }), loss, W1 };
}

/** The state a reader sees in one stepper: which step, which node, and the numbers of that step. */
async function seen(root: Locator) {
  const visible = root.locator("section[data-step]:visible");
  expect(await visible.count()).toBe(1);
  const ring = visible.locator('rect[stroke="#f76707"][stroke-width="2.5"]');
  return {
    step: Number(await visible.getAttribute("data-step")),
    node: Number(await visible.getAttribute("data-node")),
    pos: await root.locator("[data-role=pos]").textContent(),
    numbers: (await visible.locator("figure").allTextContents()).join(" | "),
    ring: await ring.boundingBox(),
  };
}

describe.runIf(run)("stepper in Chromium", () => {
  let b: BrowserSession;
  let page: Page;
  let a: Stepper;
  let s: Stepper;
  let net: ReturnType<typeof sigmoidNet>;
  beforeAll(async () => {
    b = await openBrowser({ outputDir: "graph", viewport: { width: 1280, height: 900 } });
    page = b.page;
    a = referenceStepper();
    net = sigmoidNet();
    s = net.s;
    await b.show(`${await a.html()}<p>between the two</p>${await s.html()}`, { title: "two steppers" });
  });
  afterAll(async () => b?.close());

  it("shows one step per stepper with controls, scoped by id", async () => {
    for (const [id, st] of [
      ["gls-ref", a],
      ["gls-sig", s],
    ] as const) {
      const root = page.locator(`#${id}`);
      expect(await root.getAttribute("data-ready")).toBe("1");
      expect(await root.locator("[data-role=controls]").isVisible()).toBe(true);
      const state = await seen(root);
      expect(state.step).toBe(0);
      expect(state.pos).toBe(`1 / ${st.length}`);
      expect(state.ring).not.toBeNull();
    }
    await b.screenshot("two-steppers", { fullPage: true });
  });

  it("next and prev change the highlighted node and the numbers, in that stepper only", async () => {
    const root = page.locator("#gls-ref");
    const other = page.locator("#gls-sig");
    const before = await seen(root);
    const otherBefore = await seen(other);
    await root.locator("[data-act=next]").click();
    const after = await seen(root);
    expect(after.step).toBe(1);
    expect(after.node).toBe(a.views[1].node);
    expect(after.node).not.toBe(before.node);
    expect(after.ring).not.toEqual(before.ring);
    expect(after.numbers).not.toBe(before.numbers);
    expect(await seen(other)).toEqual(otherBefore);
    await root.locator("[data-act=prev]").click();
    expect((await seen(root)).step).toBe(0);
  });

  it("the slider jumps to a step", async () => {
    const root = page.locator("#gls-ref");
    await root.locator("[data-role=slider]").evaluate((el: HTMLInputElement) => {
      el.value = "10";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
    const st = await seen(root);
    expect(st.step).toBe(10);
    expect(st.pos).toBe(`11 / ${a.length}`);
    expect(st.node).toBe(a.views[10].node);
    await b.screenshot("stepper-ref-step11-matmul", { selector: "#gls-ref" });
  });

  it("arrow keys, Home and End step the focused stepper", async () => {
    const root = page.locator("#gls-sig");
    await root.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect((await seen(root)).step).toBe(2);
    await page.keyboard.press("ArrowLeft");
    const one = await seen(root);
    expect(one.step).toBe(1);
    expect(one.node).toBe(s.views[1].node);
    await b.screenshot("stepper-sigmoid-forward-step2", { selector: "#gls-sig" });
    await page.keyboard.press("End");
    const last = await seen(root);
    expect(last.step).toBe(s.length - 1);
    expect(last.numbers).toContain(s.views.at(-1)!.main.title);
    // The page shows the gradient that backward() computes.
    net.loss.backward();
    for (const g of net.W1.grad!.data) expect(last.numbers).toContain(g.toFixed(3).replace("-", "\u2212"));
    await b.screenshot("stepper-sigmoid-last-step", { selector: "#gls-sig" });
    await page.keyboard.press("Home");
    expect((await seen(root)).step).toBe(0);
    // The other stepper did not move.
    expect((await seen(page.locator("#gls-ref"))).step).toBe(10);
  });

  it("plays and pauses", async () => {
    const root = page.locator("#gls-sig");
    await root.evaluate((el) => el.setAttribute("data-delay", "60"));
    // The delay is read when play starts.
    await root.locator("[data-act=play]").click();
    await page.waitForFunction(
      () => Number(document.querySelector("#gls-sig")!.getAttribute("data-current")) >= 3,
    );
    await root.locator("[data-act=play]").click();
    const paused = (await seen(root)).step;
    await page.waitForTimeout(250);
    expect((await seen(root)).step).toBe(paused);
    expect(await root.locator("[data-act=play]").textContent()).toContain("Play");
  });

  it("made no requests and logged no errors", () => {
    expect(b.networkRequests()).toEqual([]);
    expect(b.consoleErrors).toEqual([]);
  });
});

describe.runIf(run)("stepper with JavaScript off", () => {
  let b: BrowserSession;
  beforeAll(async () => {
    b = await openBrowser({
      outputDir: "graph",
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
  });
  afterAll(async () => b?.close());

  it("shows every step, one below the other, and no controls", async () => {
    const a = referenceStepper();
    await b.show(await a.html(), { title: "no script" });
    const root = b.page.locator("#gls-ref");
    expect(await root.locator("section[data-step]:visible").count()).toBe(a.length);
    expect(await root.locator("[data-role=controls]").isVisible()).toBe(false);
    // Each step draws its own marks: the current-node ring sits on a different card in consecutive steps.
    const rings = await root
      .locator('section rect[stroke="#f76707"][stroke-width="2.5"]')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute("x")},${e.getAttribute("y")}`));
    expect(rings).toHaveLength(a.length);
    for (let k = 1; k < rings.length; k++) expect(rings[k]).not.toBe(rings[k - 1]);
    await b.screenshot("stepper-noscript", { fullPage: false });
    expect(b.networkRequests()).toEqual([]);
  });
});

describe.runIf(run)("graph picture in Chromium", () => {
  let b: BrowserSession;
  beforeAll(async () => {
    b = await openBrowser({ outputDir: "graph", viewport: { width: 900, height: 700 } });
  });
  afterAll(async () => b?.close());

  it("draws every card with its title inside its box", async () => {
    const W1 = tensor(
      [
        [0.2, -0.4, 0.1],
        [0.5, 0.3, -0.2],
      ],
      { requiresGrad: true, name: "W1" },
    );
    const x = tensor([1, 2, -1], { name: "x" });
    const h = sigmoid(add(matmul(W1, x), tensor([0.1, -0.1], { requiresGrad: true, name: "b1" }))).named("h");
    const loss = sum(
      square(sub(matmul(tensor([[0.7, -0.6]], { requiresGrad: true, name: "W2" }), h), tensor([0.5]))),
    );
    loss.backward();
    const bundle = (await graph(loss)[DISPLAY]()) as Record<string, string>;
    await b.show(bundle["text/html"]);
    // For every card: does each text fit inside the card's box, as the browser lays it out?
    const fits = await b.page.locator("g.gl-node").evaluateAll((cards) =>
      cards.map((card) => {
        const box = card.querySelector("rect")!.getBoundingClientRect();
        return Array.from(card.querySelectorAll("text")).every((t) => {
          const r = t.getBoundingClientRect();
          return r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
        });
      }),
    );
    expect(fits.length).toBeGreaterThan(8);
    expect(fits.every(Boolean)).toBe(true);
    await b.screenshot("graph-321-sigmoid");
    expect(b.networkRequests()).toEqual([]);
    expect(b.consoleErrors).toEqual([]);
  });
});
