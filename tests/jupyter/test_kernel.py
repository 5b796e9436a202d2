"""test_kernel.py — the nn kernel through jupyter_client, as a notebook front end drives
it: kernel_info, execution (values, streams, errors, figures, help), completion,
inspection, is_complete, interrupts (training keeps its weights; a plain loop stops),
the progress display, a child that dies, shutdown and restart, Chinese.
Run by tests/jupyter/run.sh with the kernelspec "nn" installed in JUPYTER_DATA_DIR (in
its scratch folder) and NN (the nn binary the kernelspec holds a copy of). Prints PASS/FAIL lines.
"""

import os
import re
import signal
import subprocess
import sys
import time

from jupyter_client.manager import KernelManager

from checks import Checks

TIMEOUT = 120
check = Checks()


class Session:
    """A kernel started from the installed kernelspec, and a blocking client to it."""

    def __init__(self, **env):
        self.km = KernelManager(kernel_name="nn")
        self.km.start_kernel(env=dict(os.environ, **env))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=TIMEOUT)

    def execute(self, code, **kw):
        """Send an execute_request; returns its msg_id. An error reply does not make
        the kernel abort the requests behind it (what "Run all" wants), so that a
        check may come straight after an error."""
        return self.kc.execute(code, stop_on_error=False, **kw)

    def run(self, code, on_msg=None, **kw):
        """Execute code; returns (reply content, iopub messages of it, in order)."""
        msg_id = self.execute(code, **kw)
        msgs = []
        while True:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "status":
                if m["content"]["execution_state"] == "idle":
                    break
                continue
            msgs.append(m)
            if on_msg:
                on_msg(m)
        return self.reply(msg_id), msgs

    def reply(self, msg_id):
        while True:
            m = self.kc.get_shell_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") == msg_id:
                return m["content"]

    def ask(self, method, *args):
        return self.reply(getattr(self.kc, method)(*args))

    def nn_pids(self):
        """The kernel process's children: the nn interpreter."""
        kernel = self.km.provisioner.process.pid
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open("/proc/%s/stat" % entry) as f:
                        stat = f.read()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == kernel:
                    pids.append(int(entry))
        return pids

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)


def streams(msgs, name="stdout"):
    return "".join(m["content"]["text"] for m in msgs
                   if m["msg_type"] == "stream" and m["content"]["name"] == name)


def result(msgs):
    got = [m["content"]["data"]["text/plain"] for m in msgs if m["msg_type"] == "execute_result"]
    return got[0] if len(got) == 1 else got


def errors(msgs):
    return [m["content"] for m in msgs if m["msg_type"] == "error"]


def numbers(text):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


TRAIN_SETUP = """seed(1)
model bin() { dense(2, 16); relu; dense(16, 1); sigmoid }
let net = bin()
let d = moons(n = 200)"""


def test_info(s, version):
    info = s.ask("kernel_info")
    li = info.get("language_info", {})
    check("kernel_info protocol 5.3", info.get("protocol_version") == "5.3", info)
    check("kernel_info language nn",
          li.get("name") == "nn" and li.get("mimetype") == "text/x-nn"
          and li.get("file_extension") == ".nn" and info.get("implementation") == "nn", li)
    check("kernel_info version is nn's", li.get("version") == version
          and info.get("implementation_version") == version
          and info.get("banner", "").startswith("nn " + version),
          "%r, nn --version says %r" % (li.get("version"), version))
    links = info.get("help_links") or [{}]
    check("kernel_info help link: the installed README", links[0].get("url", "").endswith(
          "/kernels/nn/README.md") and os.path.exists(links[0]["url"][len("file://"):]), links)


def test_execute(s):
    r, _ = s.run("let a = 2\nfn twice(x) = 2 * x")
    r2, msgs = s.run("twice(a) * 10 + a")
    check("definitions persist between cells",
          r["status"] == "ok" and r2["status"] == "ok" and result(msgs) == "42",
          (r, r2, result(msgs)))
    check("execute_reply counts cells", r2["execution_count"] == r["execution_count"] + 1,
          (r["execution_count"], r2["execution_count"]))
    _, msgs = s.run("softmax([1, 2, 3])")
    check("execute_result text", result(msgs) == "[0.0900306, 0.244728, 0.665241]",
          result(msgs))
    _, msgs = s.run('print("one")\n1 + 1\nprint("two")\nlet z = 3\nprint("three")\nz * 2')
    kinds = [m["msg_type"] for m in msgs if m["msg_type"] != "execute_input"]
    check("print output in order, earlier values echoed as text",
          streams(msgs) == "one\n2\ntwo\nthree\n" and result(msgs) == "6"
          and kinds[-1] == "execute_result", (streams(msgs), result(msgs), kinds))
    _, msgs = s.run("let q = 1\nprint(q)")
    check("no result when the last statement is not an expression with a value",
          result(msgs) == [] and streams(msgs) == "1\n", msgs)
    # silent: nothing on iopub; store_history=False: the count stays
    before = s.run("1")[0]["execution_count"]
    r, msgs = s.run("print(5)\n7", silent=True)
    check("silent execution publishes nothing",
          r["status"] == "ok" and msgs == [], [m["msg_type"] for m in msgs])
    r, msgs = s.run("8", store_history=False)
    after = s.run("9")[0]["execution_count"]
    check("store_history=False does not advance the count",
          result(msgs) == "8" and after == before + 1, (before, after, result(msgs)))


def test_error(s):
    r, msgs = s.run("let x = 1\nx + nope")
    n = r.get("execution_count")
    errs = errors(msgs)
    tb = errs[0]["traceback"] if len(errs) == 1 else []
    want = "In[%s]:2:5: error: undefined name 'nope'" % n
    check("error cell: execute_reply status error",
          r["status"] == "error" and r.get("ename") == "Error", r)
    check("error cell: evalue is the located message",
          len(errs) == 1 and errs[0]["evalue"] == want and r.get("evalue") == want,
          (errs, want))
    check("error cell: traceback has the source line and the caret",
          len(tb) >= 3 and tb[0] == want and tb[1].endswith("| x + nope")
          and tb[2].endswith("|     ^^^^"), tb)
    check("error cell: reply's traceback is the message's", r.get("traceback") == tb, r)
    r, msgs = s.run("x + 1")
    check("error cell: definitions before the error stay", result(msgs) == "2", msgs)
    r, msgs = s.run("fn f(\n")
    errs = errors(msgs)
    check("parse error is an error message",
          r["status"] == "error" and len(errs) == 1
          and errs[0]["evalue"].startswith("In[%s]:" % r["execution_count"]), errs)


def test_display(s):
    _, msgs = s.run("plot(sigmoid, -6, 6)")
    svgs = [m["content"]["data"] for m in msgs if m["msg_type"] == "display_data"
            and "image/svg+xml" in m["content"]["data"]]
    svg = svgs[0]["image/svg+xml"] if len(svgs) == 1 else ""
    check("plot is one SVG display_data",
          svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
          and svgs[0].get("text/plain") == "<figure>", svg[:80])
    check("the SVG is one curve on a 0-1 axis",
          svg.count("<polyline") == 1 and ">0.0<" in svg and ">1.0<" in svg, svg[:200])
    _, msgs = s.run('help("softmax")')
    out = streams(msgs)
    check("help is stream text", "softmax(" in out and result(msgs) == [], out[:200])
    _, msgs = s.run("explain softmax([1, 2, 3])")
    out = streams(msgs)
    check("explain is stream text", "0.665241" in out and "0.0900306" in out, out[:400])


def test_complete(s):
    s.run("let my_weight_zz = 1")

    def complete(code, pos=None):
        pos = len(code) if pos is None else pos
        return s.ask("complete", code, pos)

    r = complete("x = sigm")
    check("complete a builtin", "sigmoid" in r["matches"] and r["cursor_start"] == 4
          and r["cursor_end"] == 8, r)
    r = complete("my_wei")
    check("complete a user name", r["matches"] == ["my_weight_zz"]
          and r["cursor_start"] == 0, r)
    r = complete("mod")
    check("complete a keyword", "model" in r["matches"], r)
    r = complete("mod + 1", 3)
    check("complete before the end of the code", "model" in r["matches"]
          and r["cursor_start"] == 0 and r["cursor_end"] == 3, r)
    code = 'print("梯度下降")\n:help 学习'
    r = complete(code)
    check("complete a Chinese help topic after Chinese text (code-point offsets)",
          "学习率" in r["matches"] and r["cursor_start"] == len(code) - 2
          and r["cursor_end"] == len(code), r)
    r = complete(":la")
    check("complete a ':' command", ":lang" in r["matches"], r)


def test_inspect(s):
    r = s.ask("inspect", "y = softmax(", len("y = softmax("))
    text = r.get("data", {}).get("text/plain", "")
    check("inspect inside a call's parentheses", r.get("found") is True
          and text.startswith("softmax(") and "Softmax turns" in text, r)
    r = s.ask("inspect", "sigmoid([1])", 3)
    text = r.get("data", {}).get("text/plain", "")
    check("inspect the name under the cursor", r.get("found") is True
          and text.lstrip().startswith("sigmoid"), r)
    r = s.ask("inspect", "「学习率」 zzz_not_a_name", 12)
    check("inspect an unknown name: not found", r.get("status") == "ok"
          and r.get("found") is False and r.get("data") == {}, r)


def test_is_complete(s):
    cases = [("1 + 1", "complete", None), ("model m() {", "incomplete", "  "), ("model {", "incomplete", "  "),
             ("model m() {\n  dense(2, f(", "incomplete", "      "), ("1 + )", "invalid", None),
             (":help softmax", "complete", None)]
    for code, status, indent in cases:
        r = s.ask("is_complete", code)
        check("is_complete %r is %s" % (code, status), r.get("status") == status
              and r.get("indent") == indent, r)


def test_interrupt_training(s):
    s.run(TRAIN_SETUP)
    sent = []

    def on_msg(m):
        # interrupt once training has shown its progress for a while
        if m["msg_type"] in ("display_data", "update_display_data") and not sent:
            time.sleep(1.0)
            s.km.interrupt_kernel()
            sent.append(time.time())

    t0 = time.time()
    r, msgs = s.run("let h = train(net, d, loss = bce, optimizer = sgd(lr = 0.01), "
                    "epochs = 10000000)\nprint(\"epochs run:\", len(h.loss))", on_msg)
    took = time.time() - t0
    text = streams(msgs, "stderr") + streams(msgs) + "".join(
        m["content"]["data"]["text/plain"] for m in msgs
        if m["msg_type"] in ("display_data", "update_display_data"))
    check("interrupt during training: the cell goes on and ends ok",
          sent and r["status"] == "ok" and took < 60, (r, took))
    check("interrupt during training: output says training was interrupted",
          "training interrupted" in text, text[-400:])
    epochs = [float(n) for n in re.findall(r"epochs run: (\d+)", streams(msgs))]
    check("interrupt during training: the history stops early",
          len(epochs) == 1 and 0 < epochs[0] < 10000000, streams(msgs))

    def value(code):
        got = result(s.run(code)[1])
        return numbers(got)[0] if isinstance(got, str) and numbers(got) else None

    # The loss of the weights reached, of the next epoch of training, and of the same
    # model freshly made (seed(1) above: the weights training started from).
    kept = value("evaluate(net, d, loss = bce).loss")
    first = value("let h2 = train(net, d, loss = bce, optimizer = sgd(lr = 0.01), "
                  "epochs = 1)\nh2.loss[0]")
    fresh = value("seed(1)\nevaluate(bin(), d, loss = bce).loss")
    check("interrupt during training: the weights are kept (training continues from "
          "where it stopped)", None not in (kept, first, fresh)
          and kept < 0.2 * fresh and first < 0.2 * fresh and first < 4 * kept + 0.01,
          "loss of the weights kept %s, of the next epoch %s, of the model at the start %s"
          % (kept, first, fresh))


def test_progress(s):
    _, msgs = s.run("let hp = train(net, d, loss = bce, optimizer = sgd(lr = 0.01), "
                    "epochs = 40000)")
    shown = [m for m in msgs if m["msg_type"] == "display_data"
             and "image/svg+xml" not in m["content"]["data"]]
    updates = [m for m in msgs if m["msg_type"] == "update_display_data"]
    ids = {m["content"].get("transient", {}).get("display_id") for m in shown + updates}
    check("progress: one display_data with a display_id",
          len(shown) == 1 and len(ids) == 1 and None not in ids,
          [m["content"] for m in shown])
    last = updates[-1]["content"]["data"]["text/plain"] if updates else ""
    check("progress: several update_display_data, the last at the last epoch",
          len(updates) >= 3 and "40000/40000" in last and "\r" not in last,
          (len(updates), last))


def test_live(s):
    """train(..., live = true): one figure per run (decision regions, points, the loss
    curve), redrawn in place; the last drawing is the last epoch's, and its numbers are
    the history's."""
    _, msgs = s.run("seed(3)\nlet dl = moons(120, noise = 0.1)\n"
                    "model lm() { dense(2, 12); tanh; dense(12, 2); softmax }\n"
                    "let hl = train(lm(), dl, loss = cross_entropy, optimizer = adam(lr = 0.05), "
                    "epochs = 600, live = true, verbose = false)")
    figs = [m for m in msgs if m["msg_type"] in ("display_data", "update_display_data")
            and "image/svg+xml" in m["content"]["data"]]
    ids = {m["content"].get("transient", {}).get("display_id") for m in figs}
    kinds = [m["msg_type"] for m in figs]
    check("live: one figure (display_data then update_display_data, one display_id)",
          len(figs) >= 2 and kinds[0] == "display_data" and set(kinds[1:]) == {"update_display_data"}
          and len(ids) == 1 and None not in ids, kinds)
    last = figs[-1]["content"]["data"]["image/svg+xml"] if figs else ""
    _, end = s.run("[hl.loss[599], hl.accuracy[599]]")
    want = [float(v) for v in result(end).strip("[]").split(",")]
    drawn = re.search(r"epoch 600/600 +loss ([0-9.]+) +accuracy ([0-9.]+)", last)
    check("live: the last drawing is epoch 600's, with the history's loss and accuracy",
          drawn is not None and abs(float(drawn.group(1)) - want[0]) < 1e-4
          and abs(float(drawn.group(2)) - want[1]) < 1e-4, (want, last[:400]))
    check("live: decision regions (both classes' colours) and 120 points",
          last.count("<circle") == 120 and 'fill="#f5' in last and 'fill="#08' in last
          and "<polyline" in last, last[:300])
    # a regression: its frames carry no accuracy (interp/live.c), so the title has none
    _, msgs = s.run("let xr = randn(40, 2)\nmodel rm() { dense(2, 1) }\n"
                    "let hr = train(rm(), {x: xr, y: xr[:, 0] * 2 - xr[:, 1]}, loss = mse, "
                    "optimizer = sgd(lr = 0.1), epochs = 3, live = true, verbose = false)")
    figs = [m for m in msgs if m["msg_type"] in ("display_data", "update_display_data")
            and "image/svg+xml" in m["content"]["data"]]
    last = figs[-1]["content"]["data"]["image/svg+xml"] if figs else ""
    check("live: a regression's last drawing shows epoch 3's loss and no accuracy",
          re.search(r"epoch 3/3 +loss [0-9.]+", last) is not None and "accuracy" not in last,
          last[:400])


def test_interrupt_loop(s):
    msg_id = s.execute("let n = 0\nwhile true { n += 1 }")
    time.sleep(1.5)
    s.km.interrupt_kernel()
    r = s.reply(msg_id)
    check("interrupt a plain loop: error KeyboardInterrupt",
          r["status"] == "error" and r.get("ename") == "KeyboardInterrupt"
          and "interrupted" in r.get("evalue", ""), r)
    r, msgs = s.run("n > 0")
    check("interrupt a plain loop: the kernel goes on (n kept its count)",
          r["status"] == "ok" and result(msgs) == "true", (r, result(msgs)))
    r, msgs = s.run("1 + 1")
    check("interrupt while idle stops nothing", r["status"] == "ok" and result(msgs) == "2",
          r)


def test_child_dies(s):
    s.run("let kept = 5")
    [pid] = s.nn_pids()
    msg_id = s.execute("let n2 = 0\nwhile true { n2 += 1 }")
    time.sleep(1.0)
    os.kill(pid, signal.SIGKILL)
    r = s.reply(msg_id)
    check("a child that dies mid-cell: error reply saying so",
          r["status"] == "error" and "nn stopped" in r.get("evalue", "")
          and "signal 9 (SIGKILL)" in r.get("evalue", ""), r)
    pids = s.nn_pids()
    check("a child that dies mid-cell: a fresh child", len(pids) == 1 and pids[0] != pid,
          (pid, pids))
    r, msgs = s.run("kept")
    check("a child that dies mid-cell: the definitions are gone, the kernel works",
          r["status"] == "error" and "undefined name 'kept'" in r.get("evalue", ""), r)
    s.run("let kept2 = 6")
    [pid] = s.nn_pids()
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    r, msgs = s.run("kept2")
    check("a child that died between cells: the next cell says so and runs afresh",
          "nn had stopped (signal 9 (SIGKILL))" in streams(msgs, "stderr")
          and "undefined name 'kept2'" in r.get("evalue", ""), (streams(msgs, "stderr"), r))


def test_restart(s):
    s.run("let before_restart = 1")
    [old] = s.nn_pids()
    s.km.restart_kernel(now=False)
    s.kc.wait_for_ready(timeout=TIMEOUT)
    check("restart: the old nn has exited", not alive(old), old)
    r, msgs = s.run("before_restart")
    check("restart: names are gone", r["status"] == "error"
          and "undefined name 'before_restart'" in r.get("evalue", ""), r)
    r, msgs = s.run("1 + 2")
    check("restart: the new kernel runs cells", result(msgs) == "3", msgs)
    [old] = s.nn_pids()
    s.execute("while true { }")
    time.sleep(1.0)
    t0 = time.time()
    s.km.restart_kernel(now=False)
    s.kc.wait_for_ready(timeout=TIMEOUT)
    took = time.time() - t0
    r, msgs = s.run("2 + 2")
    check("restart while a cell runs: the old nn has exited, the new kernel runs cells",
          not alive(old) and result(msgs) == "4" and took < 30, (old, took, msgs))
    [old] = s.nn_pids()
    s.execute("while true { }")
    time.sleep(1.0)
    s.km.restart_kernel(now=True)
    s.kc.wait_for_ready(timeout=TIMEOUT)
    time.sleep(0.5)
    r, msgs = s.run("3 + 3")
    check("forced restart (the kernel killed) while a cell runs: its nn goes too",
          not alive(old) and result(msgs) == "6", (old, alive(old), result(msgs)))
    [pid] = s.nn_pids()
    s.close()
    check("shutdown: the nn child has exited", not alive(pid), pid)


def test_chinese():
    s = Session(LANG="zh_CN.UTF-8")
    r, _ = s.run("nope")
    check("LANG=zh_CN.UTF-8: error messages in Chinese",
          r["status"] == "error" and "错误" in r.get("evalue", ""), r)
    s.close()
    s = Session()
    r, _ = s.run("nope")
    check("LANG=C.UTF-8: error messages in English",
          r["status"] == "error" and ": error: " in r.get("evalue", ""), r)
    r, msgs = s.run(":lang zh\nnope")
    check("`:lang zh` in a cell: what follows is in Chinese",
          r["status"] == "error" and "错误" in r.get("evalue", "")
          and r["evalue"].startswith("In[%d]:2:1" % r["execution_count"]), r)
    r, _ = s.run("nope2")
    check("`:lang zh`: later cells stay Chinese", "错误" in r.get("evalue", ""), r)
    [pid] = s.nn_pids()
    msg_id = s.execute("while true { }")
    time.sleep(1.0)
    os.kill(pid, signal.SIGKILL)
    r = s.reply(msg_id)
    check("`:lang zh`: the wrapper's own messages in Chinese",
          "nn 在运行这个单元时停止了" in r.get("evalue", ""), r)
    r, _ = s.run("nope3")
    check("`:lang zh`: a fresh child is told the language", "错误" in r.get("evalue", ""), r)
    s.close()


def test_override(nn):
    """NN_KERNEL_NN names the binary the kernel runs instead of its copy: here a script
    that runs NN in Chinese, which the error message shows."""
    tmp = os.path.dirname(os.environ["JUPYTER_DATA_DIR"])
    script = os.path.join(tmp, "nn-zh")
    with open(script, "w") as f:
        f.write('#!/bin/sh\nexec "%s" --lang zh "$@"\n' % nn)
    os.chmod(script, 0o755)
    s = Session(NN_KERNEL_NN=script)
    r, _ = s.run("nope")
    check("NN_KERNEL_NN: the kernel runs that nn", "错误" in r.get("evalue", ""), r)
    s.close()


def main():
    nn = os.environ["NN"]
    version = subprocess.run([nn, "--version"], capture_output=True,
                             text=True).stdout.split()[1]
    s = Session()
    test_info(s, version)
    test_execute(s)
    test_error(s)
    test_display(s)
    test_complete(s)
    test_inspect(s)
    test_is_complete(s)
    test_interrupt_training(s)
    test_progress(s)
    test_live(s)
    test_interrupt_loop(s)
    test_child_dies(s)
    test_restart(s)
    test_chinese()
    test_override(nn)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
