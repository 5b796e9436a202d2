"""check_edge.py — checks the outputs of tests/jupyter/edge.ipynb once executed by
`jupyter nbconvert --execute --allow-errors` with the nn kernel (tests/jupyter/run.sh).
Cells are found by their tags. Prints PASS/FAIL lines; exits 1 if any failed.
    /usr/bin/python3 tests/jupyter/check_edge.py EXECUTED.ipynb
"""

import sys

import nbformat

from checks import Checks

check = Checks("edge: ")


def outputs(cells, tag):
    return cells[tag].get("outputs", [])


def stream(cells, tag, name="stdout"):
    return "".join(o["text"] for o in outputs(cells, tag)
                   if o["output_type"] == "stream" and o["name"] == name)


def result(cells, tag):
    got = [o["data"]["text/plain"] for o in outputs(cells, tag)
           if o["output_type"] == "execute_result"]
    return got[0] if len(got) == 1 else got


def kinds(cells, tag):
    return [o["output_type"] for o in outputs(cells, tag)]


def main():
    nb = nbformat.read(sys.argv[1], as_version=4)
    cells = {}
    for cell in nb.cells:
        for tag in cell.get("metadata", {}).get("tags", []):
            cells[tag] = cell

    check("a cell of definitions shows nothing", kinds(cells, "define") == [],
          kinds(cells, "define"))
    check("a later cell uses them: f(14) = 42", result(cells, "value") == "42",
          result(cells, "value"))
    check("prints and echoed values in order, the last value as the result",
          stream(cells, "order") == "one\n3\ntwo\n" and result(cells, "order") == "6"
          and kinds(cells, "order")[-1] == "execute_result", outputs(cells, "order"))
    check("earlier expressions echo as text", stream(cells, "multi") == "1\n2\n"
          and result(cells, "multi") == "3", outputs(cells, "multi"))
    check("a string result is echoed quoted", result(cells, "string") == '"text"',
          result(cells, "string"))
    check("print as the last statement: no result", kinds(cells, "none") == ["stream"]
          and stream(cells, "none") == "3\n", outputs(cells, "none"))
    check("empty and comment cells show nothing",
          kinds(cells, "empty") == [] and kinds(cells, "comment") == [],
          (outputs(cells, "empty"), outputs(cells, "comment")))

    n = cells["error"].get("execution_count")
    errs = [o for o in outputs(cells, "error") if o["output_type"] == "error"]
    want = "In[%s]:2:5: error: undefined name 'nope'" % n
    tb = errs[0]["traceback"] if len(errs) == 1 else []
    check("the error cell: its located message", len(errs) == 1 and errs[0]["ename"] == "Error"
          and errs[0]["evalue"] == want, (errs, want))
    check("the error cell: source line and carets", tb[:1] == [want] and len(tb) >= 3
          and tb[1].endswith("| b + nope") and tb[2].endswith("|     ^^^^"), tb)
    check("the cells after an error run, with its definitions",
          result(cells, "after-error") == "1", outputs(cells, "after-error"))

    n = cells["trace"].get("execution_count")
    errs = [o for o in outputs(cells, "trace") if o["output_type"] == "error"]
    tb = errs[0]["traceback"] if len(errs) == 1 else []
    check("a runtime error inside a function: located, with the call trace",
          tb[:1] and tb[0].startswith("In[%s]:1:15: error: matmul:" % n)
          and tb[-1].strip() == "in 'g' called at In[%s]:2:1" % n, tb)

    figs = [o for o in outputs(cells, "figure") if o["output_type"] == "display_data"]
    svg = figs[0]["data"].get("image/svg+xml", "") if len(figs) == 1 else ""
    check("plot: one inline SVG figure", svg.startswith("<svg") and "</svg>" in svg
          and figs[0]["data"].get("text/plain") == "<figure>", kinds(cells, "figure"))
    check("plot: both curves are drawn", svg.count("<polyline") == 2, svg[:300])

    shown = [o for o in outputs(cells, "progress") if o["output_type"] == "display_data"]
    text = shown[0]["data"].get("text/plain", "") if len(shown) == 1 else ""
    check("training progress: a single output, updated to the last epoch",
          len(shown) == 1 and "300/300" in text and "\n" not in text.strip(),
          [o.get("data", o.get("text")) for o in outputs(cells, "progress")])
    check("training returns its history: 300 epochs", result(cells, "progress") == "300",
          result(cells, "progress"))
    check("the trained xor net classifies xor: accuracy 1",
          result(cells, "accuracy") == "1", result(cells, "accuracy"))

    check("Chinese text prints as it is", stream(cells, "unicode") == "学习率 η = 0.1\n",
          stream(cells, "unicode"))
    n = cells["lang-zh"].get("execution_count")
    errs = [o for o in outputs(cells, "lang-zh") if o["output_type"] == "error"]
    check("`:lang zh` in a cell: the error after it in Chinese", len(errs) == 1
          and errs[0]["evalue"].startswith("In[%s]:2:1: 错误: " % n), errs)
    out = stream(cells, "lang-en")
    check("`:lang en` back: help in English", out.startswith("sigmoid(x)\n")
          and "a smooth step" in out and "函数" not in out, out[:200])
    out = stream(cells, "help-command")
    check("`:help NAME` in a cell", out.startswith("softmax(") and "Softmax turns" in out,
          out[:200])
    out = stream(cells, "vars")
    check("`:vars` lists the session's names", "a = 3\n" in out and "f = <fn f(x)>\n" in out,
          out)
    check("`:quit` is ignored in a notebook, with a note",
          "restart the kernel" in stream(cells, "quit", "stderr")
          and stream(cells, "quit") == "still here\n", outputs(cells, "quit"))
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
