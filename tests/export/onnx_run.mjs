// onnx_run.mjs — runs nn's exported ONNX models in ONNX Runtime (onnxruntime-node) and
// compares their outputs with nn's predict, which the test wrote beside each model.
//   node tests/export/onnx_run.mjs DIR NAME...
// For each NAME: DIR/NAME.onnx and DIR/NAME.safetensors (x: inputs [100, ...], y: nn's
// predict(net, x)). Runs the whole batch, then the first sample alone (batch 1: the batch
// dimension is dynamic), and prints PASS/FAIL lines with the largest difference.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// onnxruntime-node lives in tests/export/node_modules, whatever the working directory
const here = path.dirname(fileURLToPath(import.meta.url));
const ort = createRequire(path.join(here, 'package.json'))('onnxruntime-node');

const TOL = 1e-5;

// safetensors: 8-byte little-endian header length, JSON header, then the F32 data
function readSafetensors(file) {
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  const head = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  const out = {};
  for (const [name, e] of Object.entries(head)) {
    if (name === '__metadata__') continue;
    if (e.dtype !== 'F32') throw new Error(`${file}: ${name} is ${e.dtype}`);
    const [b, end] = e.data_offsets;
    const bytes = buf.subarray(8 + n + b, 8 + n + end);
    const data = new Float32Array(bytes.length / 4);
    for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(4 * i);
    out[name] = { shape: e.shape, data };
  }
  return out;
}

function maxDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN counts as the largest
  }
  return m;
}

const sameShape = (a, b) => a.length === b.length && a.every((d, i) => Number(d) === Number(b[i]));

async function check(dir, name) {
  const t = readSafetensors(path.join(dir, `${name}.safetensors`));
  const session = await ort.InferenceSession.create(path.join(dir, `${name}.onnx`));
  const { x, y } = t;
  const per = (v) => v.data.length / v.shape[0];
  for (const rows of [x.shape[0], 1]) {
    const input = new ort.Tensor('float32', x.data.slice(0, rows * per(x)), [rows, ...x.shape.slice(1)]);
    const res = (await session.run({ x: input })).y;
    const want = y.data.slice(0, rows * per(y));
    const wantShape = [rows, ...y.shape.slice(1)];
    const what = `${name} batch ${rows}`;
    if (!sameShape(res.dims, wantShape)) {
      console.log(`FAIL ${what}: ONNX Runtime gives shape [${res.dims}], nn [${wantShape}]`);
      continue;
    }
    const d = maxDiff(res.data, want);
    if (d <= TOL) console.log(`PASS ${what}: ONNX Runtime = nn's predict (max |diff| ${d.toExponential(2)})`);
    else console.log(`FAIL ${what}: max |ONNX Runtime − nn| = ${d} > ${TOL}`);
  }
}

const [dir, ...names] = process.argv.slice(2);
for (const name of names) {
  try {
    await check(dir, name);
  } catch (err) {
    console.log(`FAIL ${name}: ${String(err.message || err).split('\n')[0]}`);
  }
}
