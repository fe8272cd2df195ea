"""Execute notebooks on the gradlab kernel with Debian's nbclient (what nbconvert --execute and many CI
setups use). nbclient drops every message that arrives after a cell's `idle`, so it proves that each output
is published before idle.

Usage: nbclient_e2e.py KERNEL_NAME RUNS
  1. executes a 20-cell notebook (timers, promises, display and display updates, stderr, an error) on a
     fresh kernel and checks every cell's outputs and execution counts against the expectations below;
  2. executes it RUNS-1 more times on the same kernel and checks each run's outputs are identical.
Prints one JSON object on stdout.
"""
import json
import sys
import time

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

KERNEL = sys.argv[1]
RUNS = int(sys.argv[2])

# (source, expected outputs after merging consecutive streams): ("stream", name, text), ("display", text/plain),
# ("result", text/plain), ("error", ename).
CELLS = [
    ("const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));", []),
    ('console.log("start"); 1 + 1', [("stream", "stdout", "start\n"), ("result", "2")]),
    ('setTimeout(() => console.log("timer 1"), 1); await sleep(10); console.log("after timer");',
     [("stream", "stdout", "timer 1\nafter timer\n")]),
    ("await Promise.all([1, 2, 3].map(async (i) => { await sleep(8 * (3 - i)); console.log(`p${i}`); }));",
     [("stream", "stdout", "p3\np2\np1\n")]),
    ('const anim = display("frame 0", { id: "anim" });\n'
     "for (let i = 1; i <= 3; i++) { await sleep(2); await anim.update(`frame ${i}`); }",
     [("display", "'frame 3'")]),
    ('display({ [Symbol.for("Jupyter.display")]: async () => { await sleep(5); '
     'return { "text/html": "<b>async</b>", "text/plain": "async bundle" }; } });\n'
     'console.log("after async display");',
     [("display", "async bundle"), ("stream", "stdout", "after async display\n")]),
    ('console.log("gone"); clearOutput({ wait: true }); console.log("kept");', [("stream", "stdout", "kept\n")]),
    ('Promise.resolve().then(() => console.log("microtask")); console.log("sync");',
     [("stream", "stdout", "sync\nmicrotask\n")]),
    ("let counter = 0;\n"
     "await new Promise<void>((done) => { const iv = setInterval(() => { if (++counter === 5) { clearInterval(iv); done(); } }, 1); });\n"
     "counter",
     [("result", "5")]),
    ('console.error("to stderr"); await sleep(1); console.log("to stdout");',
     [("stream", "stderr", "to stderr\n"), ("stream", "stdout", "to stdout\n")]),
    ('await sleep(2); throw new Error("expected failure");', [("error", "Error")]),
    ('const xs = await Promise.all([sleep(6).then(() => "a"), sleep(1).then(() => "b")]); xs.join(",")',
     [("result", "'a,b'")]),
    ('display("first"); await sleep(5); display("second");', [("display", "'first'"), ("display", "'second'")]),
    ('const later = display("will update", { id: "later" }); setTimeout(() => later.update("updated in time"), 2);\n'
     "await sleep(20);",
     [("display", "'updated in time'")]),
    ("for (let i = 0; i < 1000; i++) console.log(i);",
     [("stream", "stdout", "".join(f"{i}\n" for i in range(1000)))]),
    ('await new Promise((resolve) => setImmediate(() => { console.log("immediate"); resolve(undefined); }));',
     [("stream", "stdout", "immediate\n")]),
    ("async function twice(n: number) { await sleep(n); return n * 2; }\nawait twice(4)", [("result", "8")]),
    ('queueMicrotask(() => console.log("queued")); await null; console.log("done");',
     [("stream", "stdout", "queued\ndone\n")]),
    ('display(42); display("forty-two");', [("display", "42"), ("display", "'forty-two'")]),
    ('console.log("end"); "end"', [("stream", "stdout", "end\n"), ("result", "'end'")]),
]


def notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "TypeScript (gradlab)", "language": "typescript"}
    for source, _ in CELLS:
        cell = nbformat.v4.new_code_cell(source)
        if "expected failure" in source:
            cell.metadata["tags"] = ["raises-exception"]
        nb.cells.append(cell)
    return nb


def summarize(nb):
    """Per cell: (execution_count, outputs with consecutive streams of one name merged), and the
    execution_count of every execute_result (the kernel's count: nbclient renumbers cells itself)."""
    cells = []
    counts = []
    for cell in nb.cells:
        outs = []
        for o in cell.outputs:
            if o.output_type == "stream":
                if outs and outs[-1][0] == "stream" and outs[-1][1] == o.name:
                    outs[-1] = ("stream", o.name, outs[-1][2] + o.text)
                else:
                    outs.append(("stream", o.name, o.text))
            elif o.output_type == "display_data":
                outs.append(("display", o.data.get("text/plain")))
            elif o.output_type == "execute_result":
                outs.append(("result", o.data.get("text/plain")))
                counts.append(o.execution_count)
            elif o.output_type == "error":
                outs.append(("error", o.ename))
            else:
                outs.append((o.output_type,))
        cells.append((cell.execution_count, outs))
    return cells, counts


def execute(km):
    nb = notebook()
    NotebookClient(nb, km=km, timeout=60, kernel_name=KERNEL, allow_errors=False).execute()
    return summarize(nb)


result = {"runs": 0, "mismatches": [], "first_run_problems": []}
km = KernelManager(kernel_name=KERNEL)
km.start_kernel()
try:
    t0 = time.time()
    first, first_result_counts = execute(km)
    result["first_seconds"] = time.time() - t0
    result["first_counts"] = [c for c, _ in first]
    # On a fresh kernel the kernel's counts are the cells' counts.
    result["first_result_counts_match"] = first_result_counts == [
        c for (c, outs) in first for o in outs if o[0] == "result"]
    for i, ((count, outs), (_, expected)) in enumerate(zip(first, CELLS)):
        expected = [tuple(e) for e in expected]
        if outs != expected:
            result["first_run_problems"].append({"cell": i, "got": outs, "expected": expected})
    result["runs"] = 1
    t0 = time.time()
    for run in range(1, RUNS):
        again, result_counts = execute(km)
        offset = result_counts[0] - first_result_counts[0]
        shifted = [c - offset for c in result_counts]
        if again != first or shifted != first_result_counts:
            result["mismatches"].append({"run": run, "cells": [
                {"cell": i, "got": g, "first": f} for i, (g, f) in enumerate(zip(again, first)) if g != f],
                "result_counts": shifted})
        result["runs"] += 1
    result["repeat_seconds"] = time.time() - t0
finally:
    km.shutdown_kernel(now=False)

print(json.dumps(result))
