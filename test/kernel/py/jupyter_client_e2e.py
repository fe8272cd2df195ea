"""Drive the gradlab kernel through Debian's jupyter_client, the way Jupyter frontends do.

Run by test/kernel/python.e2e.test.ts with JUPYTER_PATH pointing at a temporary kernelspec. Prints one JSON
object of observations on stdout; the vitest file asserts on it (so failures show in vitest's report).
"""
import json
import queue
import sys
import time

from jupyter_client.manager import start_new_kernel

KERNEL = sys.argv[1] if len(sys.argv) > 1 else "gradlab"
obs = {}


def run(kc, code, timeout=60, **kw):
    """Execute and collect (reply content, [(msg_type, content)]) of this request until idle."""
    msg_id = kc.execute(code, **kw)
    outputs = []
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status":
            if m["content"]["execution_state"] == "idle":
                break
            continue
        outputs.append((m["msg_type"], m["content"]))
    reply = kc.get_shell_msg(timeout=timeout)
    assert reply["parent_header"]["msg_id"] == msg_id
    return reply["content"], outputs


def shell_reply(kc, msg_id, timeout=30):
    while True:
        m = kc.get_shell_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id:
            return m


t0 = time.time()
km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60)
obs["start_seconds"] = time.time() - t0
try:
    info = kc.kernel_info(reply=True, timeout=10)["content"]
    obs["kernel_info"] = {
        "status": info["status"],
        "protocol_version": info["protocol_version"],
        "language": info["language_info"]["name"],
        "implementation": info["implementation"],
    }
    obs["interrupt_mode"] = km.kernel_spec.interrupt_mode

    reply, outs = run(kc, 'console.log("hello"); display("shown"); const answer: number = 42; answer')
    obs["basic"] = {"status": reply["status"], "count": reply["execution_count"], "types": [t for t, _ in outs],
                    "result": [c["data"]["text/plain"] for t, c in outs if t == "execute_result"],
                    "stream": "".join(c["text"] for t, c in outs if t == "stream")}

    reply, outs = run(kc, 'const wrong: string = 5;')
    obs["type_error"] = {"status": reply["status"], "types": [t for t, _ in outs]}

    reply, outs = run(kc, 'throw new RangeError("bad")')
    obs["runtime_error"] = {"status": reply["status"], "ename": reply.get("ename"), "evalue": reply.get("evalue"),
                            "traceback_is_list": isinstance(reply.get("traceback"), list)}

    reply, outs = run(kc, "99", silent=True)
    obs["silent"] = {"status": reply["status"], "outputs": len(outs)}

    c = kc.complete("Math.ma", 7, reply=True, timeout=30)["content"]
    obs["complete"] = {"status": c["status"], "cursor_end": c["cursor_end"], "matches_is_list": isinstance(c["matches"], list)}
    i = kc.inspect("Math.max", 6, reply=True, timeout=30)["content"]
    obs["inspect"] = {"status": i["status"]}
    obs["is_complete"] = [shell_reply(kc, kc.is_complete(code))["content"]["status"] for code in ["if (x) {", "1 + 1"]]

    h = kc.history(hist_access_type="tail", n=2, output=True, raw=True, reply=True, timeout=10)["content"]
    obs["history_tail"] = h["history"]
    h = kc.history(hist_access_type="search", pattern="*answer*", raw=True, output=False, reply=True, timeout=10)["content"]
    obs["history_search"] = len(h["history"])

    # stdin: the kernel asks, this client answers on the stdin channel.
    msg_id = kc.execute('const who = await input("who? "); "hi " + who', allow_stdin=True)
    req = kc.get_stdin_msg(timeout=30)
    obs["input_request"] = req["content"]
    kc.input("Ada")
    result = None
    while True:
        m = kc.get_iopub_msg(timeout=30)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "execute_result":
            result = m["content"]["data"]["text/plain"]
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    kc.get_shell_msg(timeout=10)
    obs["input_result"] = result

    # comms from the frontend side, to a target a cell registered.
    run(kc, 'comms.registerTarget("py", (comm, data) => comm.onMsg((d) => comm.send({ doubled: (d as any).n * 2 })));')
    comm_id = "py-comm-1"
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_open", {"comm_id": comm_id, "target_name": "py", "data": {}}))
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_msg", {"comm_id": comm_id, "data": {"n": 21}}))
    doubled = None
    deadline = time.time() + 30
    while doubled is None and time.time() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id:
            doubled = m["content"]["data"]
    obs["comm_echo"] = doubled
    # comm_info has a reply; by then the comm_open above was handled.
    kc.session.send(kc.shell_channel.socket, kc.session.msg("comm_info_request", {"target_name": "py"}))
    while True:
        m = kc.get_shell_msg(timeout=30)
        if m["msg_type"] == "comm_info_reply":
            obs["comm_info"] = m["content"]["comms"]
            break

    # interrupt through the kernel manager (interrupt_mode from kernel.json) while a cell busy-loops.
    run(kc, "let kept = 7")
    msg_id = kc.execute("while (true) {}")
    time.sleep(1.0)
    t1 = time.time()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    obs["interrupt"] = {"status": reply["content"]["status"], "ename": reply["content"].get("ename"),
                        "seconds": time.time() - t1}
    reply, outs = run(kc, "kept * 6")
    obs["after_interrupt"] = [c["data"]["text/plain"] for t, c in outs if t == "execute_result"]
    obs["alive"] = km.is_alive()
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    obs["stopped"] = not km.is_alive()

print(json.dumps(obs))
