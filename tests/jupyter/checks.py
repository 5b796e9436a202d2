"""checks.py — the PASS/FAIL lines the Jupyter test scripts print (tests/jupyter/run.sh
counts them) and the tally that gives each script its exit status.
    check = Checks("edge: ");  check("a name", ok, "why it failed");  sys.exit(check.status())
"""

import sys


class Checks:
    def __init__(self, prefix=""):
        self.prefix = prefix
        self.failed = 0

    def __call__(self, name, ok, why=""):
        if ok:
            print("PASS " + self.prefix + name)
        else:
            self.failed += 1
            print("FAIL " + self.prefix + name + (": %s" % (why,) if why != "" else ""))
        # Lines go out as they happen: a script that hangs still shows how far it got.
        sys.stdout.flush()

    def status(self):
        return 1 if self.failed else 0
