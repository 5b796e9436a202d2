"""torch_roundtrip.py — one nn --to-torch round trip, for tests/export/torch_*.sh.

  torch_roundtrip.py NAME SCRIPT NET DATA LABEL [--single]

1. nn runs SCRIPT and prints its accuracy on a line starting with LABEL (nn's own run);
2. nn --to-torch SCRIPT writes $TMP/NAME.py with its data and initial weights;
3. torchrun --nproc_per_node=2 (Debian's: --redirects 1 --tee 1) runs it on CPU (and
   with --single also plain python3); it prints the accuracy of the trained model
   ("accuracy: A" on the training data, "val_accuracy: A" on the validation data, which
   is DATA when the script validates on it) and saves $TMP/NAME.trained.safetensors;
4. nn runs SCRIPT's lines before its train call, then load(NET, the trained weights)
   and prints accuracy(NET, DATA).
Checks (PASS/FAIL lines): PyTorch's accuracy is within 2 points of nn's own run, and nn
computes the same accuracy from the loaded weights as PyTorch did (within 0.1 point).
"""
import os
import re
import socket
import subprocess
import sys

NN, PY, TMP = os.environ["NN"], os.environ["PY"], os.environ["TMP"]
name, script, net, data, label = sys.argv[1:6]
single = "--single" in sys.argv[6:]


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        print("FAIL %s: %s exited with %d:\n%s%s" % (name, " ".join(cmd), p.returncode, p.stdout[-2000:],
                                                  p.stderr[-2000:]))
        sys.exit(0)
    return p.stdout


def number_after(text, prefix, what):
    """The number after `prefix` at the start of a line (torchrun's "[default0]:" skipped)."""
    for line in text.splitlines():
        line = re.sub(r"^\[default\d+\]:", "", line)
        if line.startswith(prefix):
            return float(line[len(prefix):].split()[0])
    print("FAIL %s: no '%s' line in %s:\n%s" % (name, prefix, what, text[-2000:]))
    sys.exit(0)


def check(ok, what):
    print(("PASS %s: %s" if ok else "FAIL %s: %s") % (name, what))


nn_acc = number_after(run([NN, script]), label, "nn's run")
out = os.path.join(TMP, name + ".py")
run([NN, "--to-torch", script, "-o", out])
# What the program reports: val_accuracy when the script validates on DATA, else accuracy.
metric = "val_accuracy: " if "validate = " + data in open(script).read() else "accuracy: "


def free_port():
    """A port no one listens on now: torchrun's default, 29500, may still be held by the
    rendezvous of the run before (errno 98, address already in use)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


runs = [("torchrun --nproc_per_node=2", [PY, "-m", "torch.distributed.run", "--nproc_per_node=2",
                                          "--master_addr", "127.0.0.1", "--master_port", str(free_port()),
                                          "--redirects", "1", "--tee", "1", out])]
if single:
    runs.insert(0, ("python3", [PY, out]))
lines = open(script).read().split("\n")
before = lines[:next(i for i, l in enumerate(lines) if re.search(r"\btrain\(", l) and not l.lstrip().startswith("#"))]
for how, cmd in runs:
    torch_acc = number_after(run(cmd, cwd=TMP), metric, how)
    check(abs(torch_acc - nn_acc) <= 0.02, "%s reaches %.4f, nn %.4f (within 2 points)" % (how, torch_acc, nn_acc))
    trained = os.path.join(TMP, name + ".trained.safetensors")
    load = os.path.join(TMP, name + "_load.nn")
    with open(load, "w") as f:
        f.write("\n".join(before) + '\nload(%s, "%s")\nprint("loaded accuracy:", accuracy(%s, %s))\n'
                % (net, trained, net, data))
    loaded = number_after(run([NN, load], cwd=os.path.dirname(os.path.abspath(script))), "loaded accuracy:",
                          "nn with the trained weights")
    check(abs(loaded - torch_acc) <= 0.001, "nn with %s's trained weights: accuracy %.4f, PyTorch %.4f"
          % (how, loaded, torch_acc))
    os.remove(trained)
