"""The engine's behaviours end to end, through Debian's jupyter_client, as a frontend sees them.

Run by test/engine/engine.e2e.test.ts: argv[1] is the kernel name, argv[2] the notebook folder (with a
local .ts file and a node_modules package made by the test). Prints one JSON object of observations; the
vitest file asserts on it.
"""
import json
import sys

from jupyter_client.manager import start_new_kernel

KERNEL = sys.argv[1]
NOTEBOOK = sys.argv[2]
obs = {}


def run(kc, code, timeout=60):
    """Execute; return the reply content and the execute_result text (or None)."""
    msg_id = kc.execute(code)
    result = None
    errors = []
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "execute_result":
            result = m["content"]["data"].get("text/plain")
        if m["msg_type"] == "error":
            errors.append(m["content"])
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    c = reply["content"]
    return {
        "status": c["status"],
        "result": result,
        "ename": c.get("ename"),
        "evalue": c.get("evalue"),
        "traceback": c.get("traceback"),
        "error_messages": len(errors),
    }


def shell(kc, msg_id, timeout=60):
    while True:
        m = kc.get_shell_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id:
            return m["content"]


km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60, cwd=NOTEBOOK)
try:
    kc.kernel_info(reply=True, timeout=30)
    cells = {
        "redeclare": ["const x = 1", "const x = 'two'", "x"],
        "types_across": ["let n = 1", "n.toUpperCase()"],
        "await": ["const r = await Promise.resolve(21)", "r * 2"],
        "semicolon": ["1 + 1;"],
        "runtime": ["function deep(a: any) {\n  return a.b.c\n}", "deep({})"],
        "local_ts": ["import { greet } from './util.ts'", "greet('e2e')"],
        "package": ["import { double } from 'esm-pkg'", "double(4)"],
        "gradlab": ["import { tensor } from 'gradlab'", "tensor([[1, 2], [3, 4]]).shape"],
        "nocheck": ["//% nocheck\nconst loose: number = 'str' as any; loose"],
        "syntax": ["const y = ;"],
        "after_errors": ["'alive'"],
    }
    for name, codes in cells.items():
        obs[name] = [run(kc, code) for code in codes][-1]

    c = kc.complete("Math.ma", 7, reply=True, timeout=60)["content"]
    obs["complete_math"] = {k: c[k] for k in ("status", "matches", "cursor_start", "cursor_end")}
    run(kc, "const point = { alpha: 1, beta: 2 }")
    c = kc.complete("point.be", 8, reply=True, timeout=60)["content"]
    obs["complete_earlier"] = {k: c[k] for k in ("status", "matches", "cursor_start", "cursor_end")}
    i = kc.inspect("Math.max", 8, reply=True, timeout=60)["content"]
    obs["inspect"] = {"status": i["status"], "found": i["found"], "plain": i["data"].get("text/plain", ""),
                      "markdown": i["data"].get("text/markdown", "")}
    obs["is_complete"] = {
        code: shell(kc, kc.is_complete(code)) for code in ["function f() {", "foo(1,", "const x = )", "1 + 1"]
    }
finally:
    km.shutdown_kernel(now=True)

print(json.dumps(obs))
