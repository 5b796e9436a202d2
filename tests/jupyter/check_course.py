#!/usr/bin/python3
"""check_course.py — checks the outputs of the EXECUTED course notebook
(examples/notebooks/course.ipynb run by `jupyter nbconvert --execute`, see run.sh).

Usage: /usr/bin/python3 tests/jupyter/check_course.py EXECUTED.ipynb
Prints one `PASS …` or `FAIL …` line per check; exits 1 if any failed. The reference
values come from course_refs.json (written by course_refs.py with NumPy/PyTorch); cells
are found by their tags (`check:NAME`, `figure`, `section:N`), set by make_course.py.
"""
import json
import math
import os
import re
import sys

from checks import Checks

HERE = os.path.dirname(os.path.abspath(__file__))
# The sections of the course notes (神经网络(1)); the notes number parameter optimisation
# "3" again, so its tag names it.
NOTES_SECTIONS = ["1", "1.1", "1.2", "1.3", "1.4", "2", "3", "3-optimisation", "3.1", "3.2", "3.3"]
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b")
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")

check = Checks("course: ")


def text_of(value):
    return "".join(value) if isinstance(value, list) else value


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def result_text(cell):
    """The cell's execute_result as text, or None when it has none."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "execute_result":
            return text_of(out.get("data", {}).get("text/plain", ""))
    return None


def all_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(text_of(out.get("text", "")))
        elif out.get("output_type") in ("execute_result", "display_data"):
            parts.append(text_of(out.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def numbers(text):
    return [float(n) for n in NUMBER.findall(text)]


def judge(ref, cell):
    """One check of a tagged cell against its reference entry: (ok, detail)."""
    if ref["kind"] == "contains":
        ok = ref["text"] in all_text(cell)
        return ok, "output %s %r" % ("contains" if ok else "lacks", ref["text"])
    shown = result_text(cell)
    if shown is None:
        return False, "no result (execute_result) in the cell"
    got = numbers(shown)
    brief = " ".join(shown.split())[:100]
    if ref["kind"] == "close":
        want = ref["values"]
        if len(got) != len(want):
            return False, "%d numbers in %r, expected %d" % (len(got), brief, len(want))
        bad = [(g, w) for g, w in zip(got, want)
               if not (math.isfinite(g) and abs(g - w) <= ref["atol"] + ref["rtol"] * abs(w))]
        if bad:
            return False, "%r: %g is not %g (rtol %g, atol %g)" % (brief, bad[0][0], bad[0][1],
                                                                  ref["rtol"], ref["atol"])
        return True, "%s agrees with the reference" % brief
    if ref["kind"] == "range":
        if len(got) != len(ref["lo"]):
            return False, "%d numbers in %r, expected %d" % (len(got), brief, len(ref["lo"]))
        ok = all(lo <= g <= hi for g, lo, hi in zip(got, ref["lo"], ref["hi"]))
        return ok, "%s within %s … %s" % (brief, ref["lo"], ref["hi"])
    if ref["kind"] == "greater":
        ok = len(got) == 2 and got[0] > ref["factor"] * got[1]
        return ok, "%s: the first is more than %g times the second" % (brief, ref["factor"])
    if ref["kind"] == "increasing":
        ok = len(got) > 1 and all(a < b for a, b in zip(got, got[1:]))
        return ok, "%s increases" % brief
    return False, "unknown kind of check %r" % ref["kind"]


def english(text):
    return not CJK.search(text) and len(LATIN_WORD.findall(text)) >= 3


def chinese(text):
    """Mostly Chinese: names of code (softmax, grad) may appear, but not English prose."""
    n_cjk = len(CJK.findall(text))
    n_latin = len(re.findall(r"[A-Za-z]", text))
    return n_cjk >= 5 and n_cjk >= n_latin


def check_sections(cells):
    found = {}
    for cell in cells:
        for tag in tags(cell):
            if tag.startswith("section:"):
                found[tag[len("section:"):]] = text_of(cell["source"])
    for number in NOTES_SECTIONS:
        source = found.get(number)
        if source is None:
            check("section %s of the notes has a markdown cell" % number, False)
            continue
        rows = [line for line in source.splitlines()
                if line.startswith("| ") and not line.startswith("| English")]
        paired = rows and all(len(cols) == 2 and english(cols[0]) and chinese(cols[1])
                              for cols in (row.strip().strip("|").split(" | ") for row in rows))
        check("section %s has English and Chinese side by side (%d rows)"
              % (number, len(rows)), bool(paired))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_course.py EXECUTED.ipynb")
    with open(sys.argv[1], encoding="utf-8") as f:
        nb = json.load(f)
    with open(os.path.join(HERE, "course_refs.json"), encoding="utf-8") as f:
        refs = json.load(f)
    cells = nb["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]

    errors = [(i, out) for i, c in enumerate(code) for out in c.get("outputs", [])
              if out.get("output_type") == "error"]
    check("no error outputs" + (
        "" if not errors else " (code cell %d: %s: %s)" % (errors[0][0] + 1, errors[0][1].get("ename"),
                                                          errors[0][1].get("evalue"))), not errors)
    unrun = [i for i, c in enumerate(code) if c.get("execution_count") is None]
    check("all %d code cells ran" % len(code) + (
        "" if not unrun else " (code cell %d did not)" % (unrun[0] + 1)), not unrun)

    check_sections(cells)

    tagged = {}
    for cell in code:
        for tag in tags(cell):
            if tag.startswith("check:"):
                tagged[tag[len("check:"):]] = cell
    for name, ref in refs.items():
        if name not in tagged:
            check("%s: no cell tagged check:%s" % (name, name), False)
            continue
        ok, detail = judge(ref, tagged[name])
        check("%s: %s" % (name, detail), ok)

    figures = [c for c in code if "figure" in tags(c)]
    blank = [c for c in figures if not any("image/svg+xml" in out.get("data", {})
                                           for out in c.get("outputs", []))]
    svgs = sum(1 for c in code for out in c.get("outputs", []) if "image/svg+xml" in out.get("data", {}))
    check("%d SVG figures, every one of the %d plotting cells shows one" % (svgs, len(figures))
          + ("" if not blank else " (not: %s)" % text_of(blank[0]["source"]).splitlines()[-1][:60]),
          len(figures) >= 15 and not blank)
    for out in (o for c in code for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})):
        if not text_of(out["data"]["image/svg+xml"]).lstrip().startswith(("<svg", "<?xml")):
            check("an image/svg+xml output is an SVG document", False)
            break

    sys.exit(check.status())


if __name__ == "__main__":
    main()
