"""nn_kernel.py — the Jupyter kernel for nn: ipykernel speaks the messaging protocol,
and the interpreter runs as a child process `nn --kernel` behind two pipes.

The child's frames (the pipe protocol: interp/kernel.h) become iopub messages as they
arrive: `out`/`err` stream text, `svg` figures, one progress display and one live
training figure, each updated in place, the cell's `result`, `error` reports. A child that dies is replaced by a fresh
one, and the cell that was running says so. Run by Jupyter through the kernelspec that
jupyter/install.py writes (`make jupyter`); the nn binary is $NN_KERNEL_NN, else the
`nn` beside this file.
"""

import asyncio
import codecs
import ctypes
import json
import os
import re
import select
import signal
import subprocess
import threading
import time
import uuid

from ipykernel.kernelbase import Kernel

# How long a closing child gets after end of input, then after SIGTERM, in seconds
# (both well within the 5 s jupyter_client waits for a kernel to shut down).
CLOSE_WAIT = 1.0
# A frame header is three fields on one line; a longer "line" means a broken stream.
MAX_HEADER = 64
KIND = re.compile(rb"^[a-z_]+$")
# Stream text that arrives together goes out as one message, held at most this long.
STREAM_HOLD = 0.1
# How long after the kernel's sockets are bound its first kernel_info is answered
# (NNKernel.__init__ says why): several of ZeroMQ's 100 ms reconnect intervals.
IOPUB_JOIN_SECONDS = 0.5


try:
    PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):
    PRCTL = None
PR_SET_PDEATHSIG = 1
SIGKILL = int(signal.SIGKILL)


def die_with_parent():
    """Run in the forked child before nn starts: Linux kills it when the kernel dies,
    even by SIGKILL (a forced restart), so no nn goes on running a cell for nobody —
    it is in a session of its own, out of reach of the kill of the kernel's group."""
    PRCTL(PR_SET_PDEATHSIG, SIGKILL)


class ChildGone(Exception):
    """The child exited, or broke the frame stream; `how` says which, in words."""

    def __init__(self, how):
        super().__init__(how)
        self.how = how


class Child:
    """One `nn --kernel` process: requests go to its stdin, frames come from its
    stdout, and its stderr (normally empty) is drained by a thread so that a full pipe
    can never block it; take_stderr() hands over what was read."""

    def __init__(self, path):
        # Its own session, so the client's killpg(SIGINT) of the kernel's process group
        # reaches only us: we forward exactly one SIGINT per interrupt (nn reads a
        # second one as "stop at once").
        self.proc = subprocess.Popen(
            [path, "--kernel"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, bufsize=0, start_new_session=True,
            preexec_fn=die_with_parent if PRCTL else None)
        self.buf = bytearray()
        self.stderr_text = codecs.getincrementaldecoder("utf-8")("replace")
        self.stderr_parts = []
        self.stderr_lock = threading.Lock()
        self.stderr_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self.stderr_thread.start()

    def _drain_stderr(self):
        fd = self.proc.stderr.fileno()
        while True:
            data = os.read(fd, 65536)
            if not data:
                return
            with self.stderr_lock:
                self.stderr_parts.append(data)

    def take_stderr(self):
        """The child's stderr text read since the last call ('' when none)."""
        with self.stderr_lock:
            data = b"".join(self.stderr_parts)
            self.stderr_parts = []
        return self.stderr_text.decode(data)

    def send(self, kind, arg, payload=b""):
        """Write one request frame; ChildGone when the child no longer reads."""
        data = memoryview(b"%s %d %d\n" % (kind.encode(), arg, len(payload)) + payload)
        try:
            # A signal can cut a write to a pipe short: write the rest.
            while data:
                data = data[os.write(self.proc.stdin.fileno(), data):]
        except (BrokenPipeError, ValueError):
            raise ChildGone(self.exit_words()) from None

    def frame(self, timeout):
        """The next frame (kind, arg, payload bytes), or None when none is complete
        within timeout seconds (0: only what has already arrived). ChildGone on end of
        stream or a malformed header."""
        while True:
            got = self._parse()
            if got is not None:
                return got
            ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
            if not ready:
                return None
            data = os.read(self.proc.stdout.fileno(), 65536)
            if not data:
                raise ChildGone(self.exit_words())
            self.buf += data

    def _parse(self):
        end = self.buf.find(b"\n")
        if end < 0:
            if len(self.buf) > MAX_HEADER:
                self.kill()
                raise ChildGone("bad frame header")
            return None
        fields = bytes(self.buf[:end]).split(b" ")
        if (len(fields) != 3 or not KIND.match(fields[0]) or not fields[1].isdigit()
                or not fields[2].isdigit()):
            self.kill()
            raise ChildGone("bad frame header")
        size = int(fields[2])
        if len(self.buf) < end + 1 + size:
            return None
        payload = bytes(self.buf[end + 1:end + 1 + size])
        del self.buf[:end + 1 + size]
        return fields[0].decode(), int(fields[1]), payload

    def request(self, kind, arg, payload):
        """Send a request whose reply is a single frame, and return that frame."""
        self.send(kind, arg, payload)
        return self.frame(None)

    def interrupt(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)

    def alive(self):
        return self.proc.poll() is None

    def exit_words(self):
        """How the child ended, once it has: ('exit status 3', 'signal 11 (SIGSEGV)')."""
        try:
            code = self.proc.wait(timeout=CLOSE_WAIT)
        except subprocess.TimeoutExpired:
            self.kill()
            return "stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = "?"
            return "signal %d (%s)" % (-code, name)
        return "exit status %d" % code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def close(self):
        """End of input first (nn frees everything and exits 0), then SIGTERM, then
        SIGKILL, each after CLOSE_WAIT seconds."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        for stop in (self.proc.terminate, self.proc.kill):
            try:
                self.proc.wait(timeout=CLOSE_WAIT)
                break
            except subprocess.TimeoutExpired:
                stop()
        self.proc.wait()
        # stdout is left to the garbage collector: a shutdown closes the child from the
        # control thread while the shell thread may still be reading its frames.
        self.stderr_thread.join(timeout=CLOSE_WAIT)
        if not self.stderr_thread.is_alive():
            self.proc.stderr.close()


def env_lang(env):
    """'zh' or 'en' from the environment, by nn's rule (README, "In Chinese"): LC_ALL,
    else LC_MESSAGES, else LANG names the locale; C/POSIX is English; else the first
    zh*/en* entry of LANGUAGE, else the locale itself."""
    locale = env.get("LC_ALL") or env.get("LC_MESSAGES") or env.get("LANG") or ""
    if locale in ("", "C", "POSIX") or locale.startswith(("C.", "POSIX.")):
        return "en"
    for entry in env.get("LANGUAGE", "").split(":"):
        if entry.startswith("zh"):
            return "zh"
        if entry.startswith("en"):
            return "en"
    return "zh" if locale.startswith("zh") else "en"


# The wrapper's own few messages, in both languages (nn's own are in its catalogue).
MESSAGES = {
    "died": (
        "nn stopped while running this cell ({how}). A fresh nn has started: the "
        "definitions of earlier cells are gone, run them again.",
        "nn 在运行这个单元时停止了（{how}）。已启动新的 nn：之前单元的定义都已丢失，请重新运行它们。"),
    "died_idle": (
        "nn had stopped ({how}). A fresh nn has started: the definitions of earlier "
        "cells are gone, run them again.\n",
        "nn 已经停止（{how}）。已启动新的 nn：之前单元的定义都已丢失，请重新运行它们。\n"),
    "no_start": (
        "cannot start nn ({path}): {why}",
        "无法启动 nn（{path}）：{why}"),
}

# exit_words() in Chinese.
HOW_ZH = [
    (re.compile(r"^exit status (\d+)$"), r"退出状态 \1"),
    (re.compile(r"^signal (\d+) \((\w+|\?)\)$"), r"被信号 \1（\2）终止"),
    (re.compile(r"^stopped answering$"), "不再响应"),
    (re.compile(r"^bad frame header$"), "输出的帧格式有误"),
]

LANG_LINE = re.compile(r"^[ \t]*:lang[ \t]+(zh|en)[ \t]*$", re.M)


def svg_element(doc):
    """The <svg> element of an SVG document: its XML declaration would sit inside the
    notebook's HTML (IPython's SVG display drops it too)."""
    if doc.startswith("<?xml"):
        end = doc.find("?>")
        if end >= 0:
            return doc[end + 2:].lstrip()
    return doc


# The live view's colours, as the web page's (web/live.js): class k's colour; a
# one-output model's value runs from orange (0) through white to blue (1).
LIVE_COLOURS = ["#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                "#e377c2", "#17becf"]


def _hex(c):
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def _mix(a, b, t):
    """Colour a moved towards colour b by t in [0, 1], as #rrggbb."""
    (r1, g1, b1), (r2, g2, b2) = _hex(a), _hex(b)
    return "#%02x%02x%02x" % (round(r1 + (r2 - r1) * t), round(g1 + (g2 - g1) * t),
                              round(b1 + (b2 - b1) * t))


def _cell_colour(p, k):
    """A grid cell's colour from the model's k outputs there (None when unknown)."""
    if any(v is None for v in p):
        return None
    if k == 1:
        v = min(max(p[0], 0.0), 1.0)
        return (_mix("#ffffff", LIVE_COLOURS[0], (0.5 - v) * 2) if v < 0.5
                else _mix("#ffffff", LIVE_COLOURS[1], (v - 0.5) * 2))
    best = max(range(k), key=lambda c: p[c])
    # stronger as the model is surer: from 1/k (a guess) to 1
    sure = (p[best] - 1.0 / k) / (1 - 1.0 / k)
    return _mix("#ffffff", LIVE_COLOURS[best % len(LIVE_COLOURS)], 0.15 + 0.6 * max(sure, 0.0))


def _point_colour(label, k):
    if label is None:
        return "#888888"
    if k == 1:
        return _mix(LIVE_COLOURS[0], LIVE_COLOURS[1], min(max(label, 0.0), 1.0))
    return LIVE_COLOURS[int(label) % len(LIVE_COLOURS)]


def _polyline(values, x0, y0, w, h, lo, hi, n):
    pts = []
    for i, v in enumerate(values):
        if v is None:
            continue
        x = x0 + (w * i / (n - 1) if n > 1 else w / 2)
        y = y0 + h - (v - lo) / (hi - lo) * h
        pts.append("%.1f,%.1f" % (x, y))
    return " ".join(pts)


def live_svg(frame):
    """One frame of `train(..., live = true)` (the JSON of interp/live.c) as an SVG
    figure: the model's decision regions with the data points (for 2-D inputs), and the
    loss curve so far (val_loss dashed), under a title with the epoch and the numbers."""
    e, epochs = frame["epoch"], frame["epochs"]
    loss, acc = frame.get("loss", []), frame.get("accuracy", [])
    val = frame.get("val_loss")
    grid, pts, k = frame.get("grid"), frame.get("points"), frame.get("outputs", 0)
    left = 300 if grid else 0
    width, height = left + 340, 320
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" '
           'font-size="12">' % (width, height, width, height),
           '<rect width="100%" height="100%" fill="white"/>']
    title = "epoch %d/%d" % (e, epochs)
    if loss and loss[-1] is not None:
        title += "   loss %.4f" % loss[-1]
    if acc and acc[-1] is not None:
        title += "   accuracy %.4f" % acc[-1]
    if frame.get("interrupted"):
        title += "   (interrupted)"
    out.append('<text x="12" y="20" font-size="14">%s</text>' % title)
    if grid:
        n, (x0, x1), (y0, y1), p = grid["n"], grid["x"], grid["y"], grid["p"]
        size, ox, oy = 260.0, 20.0, 40.0
        cell = size / n
        out.append('<g shape-rendering="crispEdges">')
        for i in range(n):          # rows from ymin (drawn at the bottom)
            row = [_cell_colour(p[(i * n + j) * k:(i * n + j + 1) * k], k) for j in range(n)]
            j = 0
            while j < n:            # a run of cells of one colour is one rectangle
                run = j
                while run + 1 < n and row[run + 1] == row[j]:
                    run += 1
                if row[j]:
                    out.append('<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s"/>'
                               % (ox + j * cell, oy + size - (i + 1) * cell,
                                  (run - j + 1) * cell, cell, row[j]))
                j = run + 1
        out.append('</g>')
        if pts:
            xy, labels = pts["x"], pts["label"]
            for m, label in enumerate(labels):
                px = ox + (xy[2 * m] - x0) / (x1 - x0) * size
                py = oy + size - (xy[2 * m + 1] - y0) / (y1 - y0) * size
                out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s" stroke="#333333" '
                           'stroke-width="0.6"/>' % (px, py, _point_colour(label, k)))
        out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" '
                   'stroke="#999999"/>' % (ox, oy, size, size))
    elif frame.get("grid_error"):
        out.append('<text x="12" y="40" fill="#d62728">%s</text>'
                   % html_escape(frame["grid_error"]))
    # the loss panel: epochs 1..E across, the loss from 0 to its largest up
    px0, py0, pw, ph = left + 50.0, 40.0, 270.0, 240.0
    curves = [v for v in (loss or []) + (val or []) if v is not None]
    hi = max(curves) if curves else 1.0
    hi = hi if hi > 0 else 1.0
    out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#999999"/>'
               % (px0, py0, pw, ph))
    out.append('<text x="%.1f" y="%.1f" text-anchor="end">%.3g</text>' % (px0 - 4, py0 + 10, hi))
    out.append('<text x="%.1f" y="%.1f" text-anchor="end">0</text>' % (px0 - 4, py0 + ph))
    out.append('<text x="%.1f" y="%.1f" text-anchor="middle">epoch (1 to %d)</text>'
               % (px0 + pw / 2, py0 + ph + 18, epochs))
    if loss:
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                   % (LIVE_COLOURS[1], _polyline(loss, px0, py0, pw, ph, 0.0, hi, epochs)))
    if val:
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" stroke-dasharray="5,3" '
                   'points="%s"/>' % (LIVE_COLOURS[0], _polyline(val, px0, py0, pw, ph, 0.0, hi, epochs)))
    legend = [("loss", LIVE_COLOURS[1], "")] + ([("val_loss", LIVE_COLOURS[0], ' stroke-dasharray="5,3"')] if val else [])
    for m, (name, colour, dash) in enumerate(legend):
        y = py0 + 14 + 16 * m
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>'
                   % (px0 + pw - 90, y - 4, px0 + pw - 66, y - 4, colour, dash))
        out.append('<text x="%.1f" y="%.1f">%s</text>' % (px0 + pw - 60, y, name))
    out.append("</svg>")
    return "\n".join(out)


def html_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def nn_path():
    return os.environ.get("NN_KERNEL_NN") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "nn")


def nn_version(path):
    """The version `nn --version` prints on its first line ('0.1.0'), or '?'."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, timeout=30).stdout
        first = out.decode("utf-8", "replace").splitlines()[0]
        return first.split()[1]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def byte_offset(text, pos):
    """Jupyter's cursor (code points) as a byte offset into text's UTF-8."""
    return len(text[:pos].encode("utf-8"))


def char_offset(data, pos):
    """A byte offset into UTF-8 data as code points (Jupyter's unit)."""
    return len(data[:pos].decode("utf-8", "ignore"))


class NNKernel(Kernel):
    implementation = "nn"
    language = "nn"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.path = nn_path()
        version = nn_version(self.path)
        self.implementation_version = version
        self.language_version = version
        self.language_info = {
            "name": "nn", "version": version, "mimetype": "text/x-nn",
            "file_extension": ".nn", "pygments_lexer": "text",
        }
        # jupyter/install.py puts nn's README beside this file.
        readme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.md")
        self.help_links = [{"text": "nn README", "url": "file://" + readme}]
        self.banner = ("nn %s — neural networks as formulas. help(\"NAME\"), :help, "
                       ":lang zh|en" % version)
        self.lang = env_lang(os.environ)
        # True once a cell chose the language (`:lang`): a fresh child is told it.
        self.lang_chosen = False
        self.child = None
        # What the next cell says first on stderr: that an idle child had died.
        self.note = ""
        self.shutting_down = False
        self.progress_id = None
        self.live_id = None
        # Clients connect while this process starts; ZeroMQ retries their IOPub socket
        # every 100 ms, so it may join after the shell socket. jupyter-console 6.4 sends
        # its first cell as soon as kernel_info is answered and waits for that cell's
        # "idle" on IOPub: published before its socket joined, it is lost and the
        # console hangs (with the IPython kernel too). kernel_info is answered no
        # sooner than this, when every client's IOPub has had time to join.
        self.iopub_joined_at = time.monotonic() + IOPUB_JOIN_SECONDS
        # Started now, so that the first cell does not wait for it; should it fail,
        # the first request tries again and says why.
        self.start_child()

    async def kernel_info_request(self, stream, ident, parent):
        wait = self.iopub_joined_at - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await super().kernel_info_request(stream, ident, parent)

    # ---- the child -------------------------------------------------------------

    def say(self, key, **args):
        text = MESSAGES[key][self.lang == "zh"]
        if self.lang == "zh" and "how" in args:
            for pattern, zh in HOW_ZH:
                args["how"] = pattern.sub(zh, args["how"])
        return text.format(**args)

    def start_child(self):
        """A fresh child, told the session's language if a cell chose one. Returns an
        error text when it cannot start, else None."""
        try:
            self.child = Child(self.path)
            if self.lang_chosen:
                self.child.request("lang", 0, self.lang.encode())
        except OSError as e:
            self.child = None
            return self.say("no_start", path=self.path, why=e.strerror or str(e))
        except ChildGone as e:
            self.child = None
            return self.say("no_start", path=self.path, why=e.how)
        return None

    def ready_child(self):
        """Make sure a live child is there; returns an error text when none can start,
        else None. A child found dead between requests leaves a note for the next cell
        (its definitions are gone)."""
        if self.child is not None and not self.child.alive():
            self.note = self.say("died_idle", how=self.child.exit_words())
            self.child.close()
            self.child = None
        if self.child is None:
            return self.start_child()
        return None

    def replace_child(self):
        if self.child is not None:
            self.child.close()
        self.child = None
        if not self.shutting_down:
            self.start_child()

    def ask(self, kind, arg, code):
        """A one-frame request (complete, inspect, is_complete) or None when the child
        cannot answer (it is then replaced)."""
        if self.ready_child():
            return None
        with sigint(signal.SIG_IGN):
            try:
                return self.child.request(kind, arg, code)
            except ChildGone:
                self.replace_child()
                return None

    # ---- iopub -----------------------------------------------------------------

    def stream(self, name, text):
        if text:
            self.send_response(self.iopub_socket, "stream", {"name": name, "text": text})

    def in_place(self, slot, data):
        """Show data in the display whose id the attribute `slot` holds (progress_id,
        live_id): a new display the first time in a run, then updates of that one."""
        kind = "update_display_data"
        if getattr(self, slot) is None:
            setattr(self, slot, uuid.uuid4().hex)
            kind = "display_data"
        self.send_response(self.iopub_socket, kind, {
            "data": data, "metadata": {}, "transient": {"display_id": getattr(self, slot)}})

    def progress(self, text):
        self.in_place("progress_id", {"text/plain": text})

    def live(self, text):
        """A live-training frame: one figure per training run, redrawn in place."""
        try:
            svg = live_svg(json.loads(text))
        except (ValueError, KeyError, TypeError, IndexError, ZeroDivisionError) as e:
            self.log.warning("nn sent a live frame that cannot be drawn: %s", e)
            return
        self.in_place("live_id", {"image/svg+xml": svg, "text/plain": "<figure>"})

    # ---- requests --------------------------------------------------------------

    def do_execute(self, code, silent, store_history=True, user_expressions=None,
                   allow_stdin=False):
        # The base class has counted this cell unless it is silent; one kept out of
        # the history does not advance the count, but is named In[count] all the same.
        count = self.execution_count
        if not silent and not store_history:
            self.execution_count -= 1
        publish = not silent
        err = self.ready_child()
        if publish:
            self.stream("stderr", self.note)
            self.note = ""
        if err:
            return self.fail("Error", err, [err], publish)
        # do_shutdown (on the control thread) may drop self.child meanwhile.
        child = self.child
        self.progress_id = self.live_id = None
        errors = []
        status, how = None, ""
        with sigint(lambda signum, frame: child.interrupt()):
            try:
                child.send("run", count, code.encode("utf-8"))
                status = self.relay(child, count, errors, publish)
            except ChildGone as e:
                how = e.how
        if publish:
            self.stream("stderr", child.take_stderr())
        if status is None:
            self.replace_child()
            text = self.say("died", how=how)
            return self.fail("Error", text, [text], publish)
        for chosen in LANG_LINE.findall(code):
            self.lang = chosen
            self.lang_chosen = True
        if not errors:
            return {"status": "ok", "execution_count": self.execution_count,
                    "payload": [], "user_expressions": {}}
        ename = "KeyboardInterrupt" if status == 2 else "Error"
        for report in errors[:-1]:
            self.publish_error(ename, report, publish)
        report = errors[-1]
        return self.fail(ename, report.split("\n", 1)[0], report.rstrip("\n").split("\n"),
                         publish)

    def relay(self, child, count, errors, publish):
        """Turn the frames of a run into iopub messages until `done`; returns its
        status. Error reports are collected in errors (their ename depends on the
        status). Stream text of one kind that arrives together goes out as one
        message, so a loop of prints does not become thousands of messages; it is
        decoded as one stream, so a character cut between two frames stays whole."""
        pending_name, pending, since = None, [], 0.0
        decoders = {name: codecs.getincrementaldecoder("utf-8")("replace")
                    for name in ("stdout", "stderr")}

        def flush():
            nonlocal pending_name, pending
            if pending and publish:
                self.stream(pending_name, decoders[pending_name].decode(b"".join(pending)))
            pending_name, pending = None, []

        while True:
            if pending and time.monotonic() - since > STREAM_HOLD:
                flush()
            frame = child.frame(0 if pending else STREAM_HOLD)
            text = child.take_stderr()
            if text:
                flush()
                if publish:
                    self.stream("stderr", text)
            if frame is None:
                flush()
                continue
            kind, arg, payload = frame
            if kind in ("out", "err"):
                name = "stdout" if kind == "out" else "stderr"
                if name != pending_name:
                    flush()
                    since = time.monotonic()
                pending_name = name
                pending.append(payload)
                continue
            flush()
            text = payload.decode("utf-8", "replace")
            if kind == "done":
                self.progress_id = self.live_id = None
                return arg
            if kind == "error":
                errors.append(text)
            elif not publish:
                continue
            elif kind == "svg":
                self.send_response(self.iopub_socket, "display_data", {
                    "data": {"image/svg+xml": svg_element(text), "text/plain": "<figure>"},
                    "metadata": {}})
            elif kind == "progress":
                if arg == 1:
                    self.progress_id = None
                else:
                    self.progress(text)
            elif kind == "live":
                if arg == 1:
                    self.live_id = None
                else:
                    self.live(text)
            elif kind == "result":
                self.send_response(self.iopub_socket, "execute_result", {
                    "execution_count": count,
                    "data": {"text/plain": text}, "metadata": {}})
            else:
                self.log.warning("nn sent an unknown frame %r", kind)

    def publish_error(self, ename, report, publish):
        if publish:
            self.send_response(self.iopub_socket, "error", {
                "ename": ename, "evalue": report.split("\n", 1)[0],
                "traceback": report.rstrip("\n").split("\n")})

    def fail(self, ename, evalue, traceback, publish):
        if publish:
            self.send_response(self.iopub_socket, "error", {
                "ename": ename, "evalue": evalue, "traceback": traceback})
        return {"status": "error", "execution_count": self.execution_count,
                "ename": ename, "evalue": evalue, "traceback": traceback}

    def do_complete(self, code, cursor_pos):
        data = code.encode("utf-8")
        pos = byte_offset(code, cursor_pos)
        got = self.ask("complete", pos, data)
        matches, start = [], cursor_pos
        if got is not None and got[0] == "matches":
            start = char_offset(data, got[1])
            matches = [m for m in got[2].decode("utf-8", "replace").split("\n") if m]
        return {"status": "ok", "matches": matches, "cursor_start": start,
                "cursor_end": cursor_pos, "metadata": {}}

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        got = self.ask("inspect", byte_offset(code, cursor_pos), code.encode("utf-8"))
        found = got is not None and got[0] == "inspect" and got[1] == 1
        data = {"text/plain": got[2].decode("utf-8", "replace")} if found else {}
        return {"status": "ok", "found": found, "data": data, "metadata": {}}

    def do_is_complete(self, code):
        got = self.ask("is_complete", 0, code.encode("utf-8"))
        if got is None or got[0] != "is_complete":
            return {"status": "unknown"}
        status = got[2].decode("utf-8", "replace")
        reply = {"status": status}
        if status == "incomplete":
            reply["indent"] = " " * got[1]
        return reply

    def do_shutdown(self, restart):
        self.shutting_down = True
        if self.child is not None:
            self.child.close()
            self.child = None
        return {"status": "ok", "restart": restart}


class sigint:
    """While the child works, SIGINT goes to handler instead of ipykernel's
    KeyboardInterrupt, which would leave a reply half read."""

    def __init__(self, handler):
        self.handler = handler

    def __enter__(self):
        self.saved = signal.signal(signal.SIGINT, self.handler)

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self.saved)


if __name__ == "__main__":
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance(kernel_class=NNKernel)
