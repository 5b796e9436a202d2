"""onnx_check.py — Debian's python3-onnx checks the ONNX files nn exported.

    /usr/bin/python3 tests/export/onnx_check.py FILE.onnx...

For each file: onnx.checker.check_model(full_check=True) (the schema of every node at
opset 13 and strict shape inference), the graph's input x and output y with the dynamic
batch dimension "N" first, and opset 13. Prints PASS/FAIL lines.
"""
import sys

import onnx


def check(path):
    name = path.rsplit("/", 1)[-1]
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    g = m.graph
    ins = [i.name for i in g.input]
    outs = [o.name for o in g.output]
    assert ins == ["x"] and outs == ["y"], f"inputs {ins}, outputs {outs}"
    first = g.input[0].type.tensor_type.shape.dim[0]
    assert first.dim_param == "N", f"x's first dimension is {first}, not N"
    ops = [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")]
    assert ops == [13], f"opset {ops}"
    return name, len(g.node)


for p in sys.argv[1:]:
    try:
        name, n = check(p)
        print(f"PASS {name}: onnx.checker (full_check) accepts it, {n} nodes, x [N, ...] -> y")
    except Exception as e:  # the checker's own exceptions, and the asserts above
        print(f"FAIL {p}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
