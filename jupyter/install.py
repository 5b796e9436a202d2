"""install.py — installs the Jupyter kernelspec "nn" for the user (`make jupyter`): the
kernel.json, the wrapper jupyter/nn_kernel.py, the logos, README.md (the kernel's help
link) and a copy of the nn binary, through jupyter_client's KernelSpecManager (so
JUPYTER_DATA_DIR is respected). Prints where it went.
    /usr/bin/python3 jupyter/install.py [NN_BINARY]      (default: ./nn)
"""

import json
import os
import shutil
import sys
import tempfile

try:
    import ipykernel  # noqa: F401 (the kernel runs on it: find out now, not in the notebook)
    from jupyter_client.kernelspec import KernelSpecManager
except ImportError as e:
    sys.exit("install.py: %s: the kernel needs Debian's python3-ipykernel and "
             "python3-jupyter-client (make deps-jupyter installs them)" % e)

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["nn_kernel.py", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]


def kernel_json():
    return {
        # The python that runs this script (Debian's, with ipykernel) runs the kernel.
        "argv": [sys.executable, "{resource_dir}/nn_kernel.py", "-f", "{connection_file}"],
        "display_name": "nn",
        "language": "nn",
        # Ctrl-C is a SIGINT to the kernel's process group; the wrapper forwards it.
        "interrupt_mode": "signal",
        "metadata": {"debugger": False},
        # ipykernel loads debugpy, which warns on stderr about Python 3.11's frozen
        # modules; this kernel offers no debugger.
        "env": {"PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    }


def main():
    nn = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "nn")
    if not os.access(nn, os.X_OK):
        sys.exit("install.py: no nn binary at %s (run make first)" % nn)
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "nn")
        os.mkdir(spec)
        with open(os.path.join(spec, "kernel.json"), "w") as f:
            json.dump(kernel_json(), f, indent=2)
            f.write("\n")
        for name in FILES:
            shutil.copy(os.path.join(HERE, name), spec)
        shutil.copy(os.path.join(HERE, "..", "README.md"), spec)
        shutil.copy(nn, os.path.join(spec, "nn"))
        where = KernelSpecManager().install_kernel_spec(spec, "nn", user=True)
    print("jupyter: kernel 'nn' installed in %s (nn %s)" % (where, os.path.abspath(nn)))
    print("jupyter: choose the kernel \"nn\" in Jupyter (Kernel > Change kernel)")


if __name__ == "__main__":
    main()
