// live.js — the live training view (issue 10): TensorFlow Playground's idea in nn's terms.
// A 2-D data set, the model as nn text, an optimizer and Train/Stop; the view writes the
// nn script, shows it, and runs it through the page's NNClient with train(..., live =
// true), so the decision regions, the points and the loss curve redraw after every epoch
// while the interpreter works in its Web Worker. A classic script (the one-file page
// inlines it); it defines
//
//   NNLive.mount(el, nn, { lang })   builds the view in el → { setLang(lang) }
//   NNLive.render(el, frame, { lang }) draws one live frame (plane + loss) into el; the
//                                    console and the embed use it for scripts that call
//                                    train(..., live = true)
//   NNLive.renderSoon(el, frame, { lang }) the same at the next screen refresh, only the
//                                    newest of the frames given meanwhile
//
// A frame is interp/live.c's: {epoch, epochs, interrupted, loss, accuracy?, val_loss?,
// val_accuracy?, outputs, points?, grid?}; grid.p is row-major from (xmin, ymin), so row
// i of the grid is drawn i rows up from the bottom.
"use strict";
(function (global) {
  const TEXT = {
    en: {
      dataset: "Data set", noise: "Noise", std: "Spread (std)", size: "Points",
      classes: "Classes", model: "Model (nn)", lossFn: "Loss function", optimizer: "Optimizer", lr: "Learning rate",
      epochs: "Epochs", batch: "Batch size", untilStop: "until Stop", train: "Train", stop: "Stop", reset: "Reset",
      script: "The nn code this view runs", epoch: "epoch", loss: "loss", valLoss: "val_loss",
      accuracy: "accuracy", valAccuracy: "val_accuracy", epochN: (e) => `epoch ${e}`,
      partial: " (stopped partway)",
      partialTip: "Stop came in the middle of this epoch: its loss and accuracy are over the steps it finished, not over the whole data set.",
      noRegions: "no regions (the model cannot run on the plane's grid)",
      idle: "Press Train to start.",
      starting: "Starting…", waiting: "Waiting for the interpreter…",
      training: (e) => `Training… epoch ${e}`,
      stopped: (e) => `Stopped at epoch ${e}; the weights are kept: Train continues.`,
      done: (e, s) => `Done at epoch ${e} (this run: ${s} s). Train continues with the same network.`,
      fresh: "A fresh model: press Train.",
      failed: "The script stopped with an error (in red).",
      noModel: "The model text must define a model, e.g. model m() { dense(2, 8); tanh; dense(8, 2); softmax }",
      badLr: "The learning rate must be a positive number, e.g. 0.01.",
      fixFirst: "Correct what the red box says, then press Train.",
      hint: "The decision regions and the data appear here while the network trains.",
      dataOnly: (n) => `the data set: ${n} points, before training`,
      datasets: { xor: "XOR (four quadrants)", moons: "Moons", circles: "Circles", spiral: "Spiral", blobs: "Blobs" },
      continueComment: "# the same network, trained further",
      resetComment: "# Reset: other initial weights",
      xorComment: "# uniform in the square [-1, 1]²; class 1 where the signs differ",
      spiralComment: "# n points per class",
    },
    zh: {
      dataset: "数据集", noise: "噪声", std: "离散程度（标准差）", size: "点数",
      classes: "类别数", model: "模型（nn 代码）", lossFn: "损失函数", optimizer: "优化器", lr: "学习率",
      epochs: "训练轮数", batch: "批量大小", untilStop: "直到停止", train: "训练", stop: "停止", reset: "重置",
      script: "本视图运行的 nn 代码", epoch: "轮", loss: "损失", valLoss: "验证损失",
      accuracy: "准确率", valAccuracy: "验证准确率", epochN: (e) => `第 ${e} 轮`,
      partial: "（中途停止）",
      partialTip: "在这一轮中途停止：它的损失和准确率只统计已完成的几步，而不是整个数据集。",
      noRegions: "无法画出决策区域（模型不能在平面网格上运行）",
      idle: "点击“训练”开始。",
      starting: "正在启动…", waiting: "正在等待解释器…",
      training: (e) => `训练中… 第 ${e} 轮`,
      stopped: (e) => `已在第 ${e} 轮停止，权值保留：再点“训练”会接着训练。`,
      done: (e, s) => `完成，已训练到第 ${e} 轮（本次用时 ${s} 秒）。再点“训练”会接着训练同一个网络。`,
      fresh: "已新建模型：点击“训练”。",
      failed: "脚本出错，已停止（错误信息见红色部分）。",
      noModel: "模型代码必须定义一个模型，例如 model m() { dense(2, 8); tanh; dense(8, 2); softmax }",
      badLr: "学习率必须是正数，例如 0.01。",
      fixFirst: "按红框中的说明改正后，再点“训练”。",
      hint: "训练时，这里显示决策区域和数据点。",
      dataOnly: (n) => `数据集：${n} 个点（尚未训练）`,
      datasets: { xor: "异或（四个象限）", moons: "双月形", circles: "同心圆", spiral: "螺旋", blobs: "高斯团" },
      continueComment: "# 同一个网络，继续训练",
      resetComment: "# 重置：换一组初始权值",
      xorComment: "# 在正方形 [-1, 1]² 中均匀分布；两坐标异号的点为第 1 类",
      spiralComment: "# n 为每一类的点数",
    },
  };
  const text = (lang) => TEXT[lang === "zh" ? "zh" : "en"];

  // TensorFlow Playground's orange and blue for two classes; more stay distinguishable.
  const PALETTE = ["#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
  const RGB = PALETTE.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const REGION_STRENGTH = 0.65; // the regions stay lighter than the points drawn on them

  // ------------------------------------------------------------------ drawing a frame

  // A canvas sized in CSS pixels, drawn at the screen's resolution.
  function prepare(canvas) {
    const w = canvas.clientWidth, h = canvas.clientHeight;
    const dpr = global.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return { ctx, w, h };
  }

  // About `count` round tick values (1, 2 or 5 × 10^k apart) in [lo, hi].
  function ticks(lo, hi, count) {
    if (!(hi > lo)) return [lo];
    const raw = (hi - lo) / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
      out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  }
  const tickLabel = (v) => String(+v.toPrecision(4));

  // The colour of a grid cell: k = 1, a diverging scale around 0.5 (orange 0, blue 1);
  // k ≥ 2, the likeliest class's colour, stronger as the model is surer.
  function cellColour(p, base, k, out) {
    let cls, t;
    if (k === 1) {
      const v = p[base];
      if (v === null || !isFinite(v)) { out[0] = out[1] = out[2] = 200; return; }
      const c = Math.min(1, Math.max(0, v));
      cls = c >= 0.5 ? 1 : 0;
      t = Math.abs(c - 0.5) * 2;
    } else {
      cls = 0;
      for (let c = 1; c < k; c++) if (p[base + c] > p[base + cls]) cls = c;
      const top = p[base + cls];
      if (top === null || !isFinite(top)) { out[0] = out[1] = out[2] = 200; return; }
      t = Math.min(1, Math.max(0, (top - 1 / k) / (1 - 1 / k)));
    }
    const a = t * REGION_STRENGTH, rgb = RGB[cls % RGB.length];
    for (let i = 0; i < 3; i++) out[i] = Math.round(255 + (rgb[i] - 255) * a);
  }

  // Class labels take their class's colour; one-column targets between 0 and 1 (k = 1)
  // take the diverging scale, at full strength.
  function pointColour(label, k) {
    if (k !== 1 || label === 0 || label === 1) return PALETTE[Math.max(0, Math.round(label)) % PALETTE.length];
    const c = Math.min(1, Math.max(0, label)), rgb = RGB[c >= 0.5 ? 1 : 0];
    const a = 0.3 + 0.7 * Math.abs(c - 0.5) * 2;
    return `rgb(${rgb.map((v) => Math.round(255 + (v - 255) * a))})`;
  }

  // The plane keeps the data's aspect ratio (a circle stays round) within limits: at most
  // square-tall, at least a third as tall as wide; the canvas's height follows its width.
  function drawPlane(canvas, frame) {
    const left = 34, bottom = 22, top = 6, right = 8;
    const g = frame.grid, pts = frame.points;
    const xr = g ? g.x : rangeOf(pts.x, 0), yr = g ? g.y : rangeOf(pts.x, 1);
    const width = canvas.clientWidth;
    const ratio = Math.min(3, Math.max(1, (xr[1] - xr[0]) / (yr[1] - yr[0]) || 1));
    let sideX = Math.max(10, width - left - right), sideY = sideX / ratio;
    if ((xr[1] - xr[0]) < (yr[1] - yr[0])) sideX = Math.max(sideY / Math.min(3, (yr[1] - yr[0]) / (xr[1] - xr[0])), 10);
    const height = Math.round(sideY + top + bottom);
    if (canvas.clientHeight !== height) canvas.style.height = height + "px";
    const { ctx } = prepare(canvas);
    const x0 = left + (width - left - right - sideX) / 2, y0 = top;
    if (g) {
      const n = g.n, k = frame.outputs || 1;
      let off = canvas._nnGrid;
      if (!off || off.width !== n) {
        off = canvas._nnGrid = document.createElement("canvas");
        off.width = off.height = n;
      }
      const octx = off.getContext("2d"), img = octx.createImageData(n, n), rgb = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        const row = n - 1 - i; // grid row i grows with y: the bottom row of the image is row 0
        for (let j = 0; j < n; j++) {
          cellColour(g.p, (i * n + j) * k, k, rgb);
          const o = (row * n + j) * 4;
          img.data[o] = rgb[0]; img.data[o + 1] = rgb[1]; img.data[o + 2] = rgb[2]; img.data[o + 3] = 255;
        }
      }
      octx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(off, x0, y0, sideX, sideY);
    } else {
      ctx.fillStyle = "#fff";
      ctx.fillRect(x0, y0, sideX, sideY);
    }
    ctx.strokeStyle = "#ccc";
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, y0 + 0.5, sideX - 1, sideY - 1);

    const px = (v) => x0 + (v - xr[0]) / (xr[1] - xr[0]) * sideX;
    const py = (v) => y0 + (1 - (v - yr[0]) / (yr[1] - yr[0])) * sideY;
    if (pts) {
      // one path per colour: a few fills instead of one per point
      const n = pts.label.length, r = n > 600 ? 2.6 : 3.4, k = frame.outputs || 2;
      const groups = new Map();
      for (let i = 0; i < n; i++) {
        const x = pts.x[2 * i], y = pts.x[2 * i + 1];
        if (x === null || y === null || pts.label[i] === null) continue;
        const colour = pointColour(pts.label[i], k);
        if (!groups.has(colour)) groups.set(colour, []);
        groups.get(colour).push(px(x), py(y));
      }
      // a white disc under each point makes its outline; within a colour the discs go
      // first, so points that overlap merge instead of showing each other's rings
      const discs = (xy, radius) => {
        ctx.beginPath();
        for (let i = 0; i < xy.length; i += 2) {
          ctx.moveTo(xy[i] + radius, xy[i + 1]);
          ctx.arc(xy[i], xy[i + 1], radius, 0, 2 * Math.PI);
        }
        ctx.fill();
      };
      for (const [colour, xy] of groups) {
        ctx.fillStyle = "#fff";
        discs(xy, r + 1);
        ctx.fillStyle = colour;
        discs(xy, r);
      }
    }
    // axes: light ticks and labels outside the square
    ctx.fillStyle = "#888";
    ctx.strokeStyle = "#bbb";
    ctx.font = "10px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of ticks(xr[0], xr[1], 5)) {
      const x = px(v);
      ctx.beginPath(); ctx.moveTo(x, y0 + sideY); ctx.lineTo(x, y0 + sideY + 4); ctx.stroke();
      ctx.fillText(tickLabel(v), x, y0 + sideY + 6);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of ticks(yr[0], yr[1], 5)) {
      const y = py(v);
      ctx.beginPath(); ctx.moveTo(x0 - 4, y); ctx.lineTo(x0, y); ctx.stroke();
      ctx.fillText(tickLabel(v), x0 - 6, y);
    }
  }

  function rangeOf(xy, axis) {
    let lo = Infinity, hi = -Infinity;
    for (let i = axis; i < xy.length; i += 2) if (xy[i] !== null) { lo = Math.min(lo, xy[i]); hi = Math.max(hi, xy[i]); }
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    const pad = (hi - lo) * 0.1;
    return [lo - pad, hi + pad];
  }

  function drawLoss(canvas, frame, t) {
    const { ctx, w, h } = prepare(canvas);
    const left = 40, right = 14, top = 16, bottom = 30;
    const pw = w - left - right, ph = h - top - bottom;
    const loss = frame.loss || [], val = frame.val_loss || null;
    const E = Math.max(frame.epoch || loss.length, 1);
    let hi = 0;
    for (const v of loss) if (v !== null && isFinite(v)) hi = Math.max(hi, v);
    if (val) for (const v of val) if (v !== null && isFinite(v)) hi = Math.max(hi, v);
    hi = hi > 0 ? hi * 1.05 : 1;
    const xAt = (e) => left + (E === 1 ? pw : (e - 1) / (E - 1) * pw);
    const yAt = (v) => top + (1 - v / hi) * ph;

    ctx.font = "10px system-ui, sans-serif";
    ctx.fillStyle = "#888";
    ctx.strokeStyle = "#e4e4e4";
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of ticks(0, hi, 4)) {
      const y = Math.round(yAt(v)) + 0.5;
      ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + pw, y); ctx.stroke();
      ctx.fillText(tickLabel(v), left - 5, y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of ticks(1, E, 5).filter((e) => e >= 1 && Number.isInteger(e))) {
      ctx.fillText(String(v), xAt(v), top + ph + 4);
    }
    ctx.fillText(t.epoch, left + pw / 2, top + ph + 16);
    ctx.strokeStyle = "#bbb";
    ctx.beginPath(); ctx.moveTo(left + 0.5, top); ctx.lineTo(left + 0.5, top + ph); ctx.lineTo(left + pw, top + ph + 0.5); ctx.stroke();

    const line = (vals, colour, dash) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.8;
      ctx.setLineDash(dash);
      ctx.beginPath();
      let pen = false;
      const point = (i) => {
        const v = vals[i];
        if (v === null || !isFinite(v)) { pen = false; return; }
        const x = xAt(i + 1), y = yAt(v);
        if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        pen = true;
      };
      // a long run: about two points per pixel column are enough for the curve
      const stride = Math.max(1, Math.floor(vals.length / (2 * pw)));
      let i = 0;
      for (; i < vals.length; i += stride) point(i);
      if (i - stride !== vals.length - 1 && vals.length) point(vals.length - 1);
      if (vals.length === 1 && pen) ctx.lineTo(xAt(1) - 3, yAt(vals[0]));
      ctx.stroke();
      ctx.setLineDash([]);
    };
    line(loss, "#333", []);
    if (val) line(val, "#f59322", [5, 3]);
    // legend, top right
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.font = "11px system-ui, sans-serif";
    let lx = left + pw;
    const entries = [[t.loss, "#333", []]];
    if (val) entries.push([t.valLoss, "#f59322", [5, 3]]);
    for (const [name, colour, dash] of entries.reverse()) {
      ctx.fillStyle = "#555";
      ctx.fillText(name, lx, 7);
      lx -= ctx.measureText(name).width + 4;
      ctx.strokeStyle = colour; ctx.setLineDash(dash); ctx.lineWidth = 1.8;
      ctx.beginPath(); ctx.moveTo(lx - 16, 7); ctx.lineTo(lx, 7); ctx.stroke();
      ctx.setLineDash([]);
      lx -= 28;
    }
  }

  const last = (a) => (a && a.length ? a[a.length - 1] : null);
  const fmt = (v, d) => (v === null || v === undefined || !isFinite(v) ? "–" : v.toFixed(d));

  function caption(frame, t) {
    if (!frame.epoch && frame.points) return t.dataOnly(frame.points.label.length);
    // (a stopped epoch's numbers cover only the steps it finished: train's own rule)
    const parts = [t.epochN(frame.epoch) + (frame.interrupted ? t.partial : "")];
    parts.push(`${t.loss} ${fmt(last(frame.loss), 4)}`);
    const acc = last(frame.accuracy);
    if (acc !== null) parts.push(`${t.accuracy} ${fmt(acc * 100, 1)}%`);
    if (frame.val_loss) parts.push(`${t.valLoss} ${fmt(last(frame.val_loss), 4)}`);
    const vacc = last(frame.val_accuracy);
    if (vacc !== null) parts.push(`${t.valAccuracy} ${fmt(vacc * 100, 1)}%`);
    // The model trains but cannot run on the plane's grid (interp/live.c): say why the
    // regions are missing.
    if (frame.grid_error) parts.push(`${t.noRegions}: ${frame.grid_error}`);
    return parts.join(" · ");
  }

  function child(el, tag, cls) {
    let c = el.querySelector(`:scope > ${tag}.${cls}`);
    if (!c) {
      c = document.createElement(tag);
      c.className = cls;
      el.appendChild(c);
    }
    return c;
  }

  // Draws one frame into el, reusing the canvases a previous call made there (or that
  // mount placed: canvas.nnlive-plane, canvas.nnlive-loss, div.nnlive-caption). The
  // canvases take their width from the page's CSS; while el is hidden (a tab not shown)
  // nothing is drawn, and the last frame is drawn again when el's width changes.
  function render(el, frame, opts = {}) {
    el.classList.add("nnlive-frame");
    el._nnLive = { frame, lang: opts.lang, width: 0 };
    if (!el._nnResize && global.ResizeObserver) {
      el._nnResize = new ResizeObserver(() => {
        if (el._nnLive && el.clientWidth !== el._nnLive.width) paint(el);
      });
      el._nnResize.observe(el);
    }
    paint(el);
    return el;
  }

  // render at the next screen refresh: frames that come faster than the screen refreshes
  // are coalesced, the newest one drawn (a training run can send hundreds a second).
  function renderSoon(el, frame, opts = {}) {
    const queued = el._nnSoon;
    el._nnSoon = { frame, opts };
    if (queued) return;
    requestAnimationFrame(() => {
      const { frame: f, opts: o } = el._nnSoon;
      el._nnSoon = null;
      render(el, f, o);
    });
  }

  function paint(el) {
    const { frame, lang } = el._nnLive, t = text(lang);
    const plane = child(el, "canvas", "nnlive-plane");
    const loss = child(el, "canvas", "nnlive-loss");
    const cap = child(el, "div", "nnlive-caption");
    cap.textContent = caption(frame, t);
    cap.title = frame.interrupted ? t.partialTip : "";
    const hasPlane = !!(frame.grid || frame.points);
    plane.hidden = !hasPlane;
    if (!el.clientWidth) return;
    el._nnLive.width = el.clientWidth;
    if (hasPlane) drawPlane(plane, frame);
    drawLoss(loss, frame, t);
  }

  // ------------------------------------------------------------------ the view

  // Each data set as nn code; size is the total number of points, noise its slider value.
  const DATASETS = {
    xor: { noise: [0, 0.5, 0.05, 0.05], classes: false,
           code: (n, v, k, t) => [
             `let p = rand(${n}, 2) * 2 - 1   ${t.xorComment}`,
             `let data = {x: p + ${v} * randn(${n}, 2), y: where(p[:, 0] * p[:, 1] < 0, 1, 0)}`] },
    moons: { noise: [0, 0.5, 0.01, 0.1], classes: false,
             code: (n, v) => [`let data = moons(n = ${n}, noise = ${v})`] },
    circles: { noise: [0, 0.3, 0.01, 0.05], classes: false,
               code: (n, v) => [`let data = circles(n = ${n}, noise = ${v})`] },
    spiral: { noise: [0, 1, 0.05, 0.2], classes: true,
              code: (n, v, k, t) => [`let data = spiral(n = ${Math.max(1, Math.round(n / k))}, classes = ${k}, noise = ${v})   ${t.spiralComment}`] },
    blobs: { noise: [0.1, 5, 0.1, 1], classes: true, std: true,
             code: (n, v, k) => [`let data = normalize(blobs(n = ${n}, centers = ${k}, std = ${v}))`] },
  };
  const OPTIMIZERS = { sgd: 0.1, momentum: 0.05, adagrad: 0.1, rmsprop: 0.01, adam: 0.01 };
  const EPOCHS = [100, 300, 1000, 3000, 0]; // 0: until Stop
  const FOREVER = 1000000;
  const DEFAULT_MODEL = "model m() { dense(2, 8); tanh; dense(8, 2); softmax }";

  function make(tag, attrs = {}, kids = []) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of kids) e.appendChild(c);
    return e;
  }

  function mount(root, nn, opts = {}) {
    let lang = opts.lang === "zh" ? "zh" : "en";
    root.classList.add("nnlive");
    root.textContent = "";
    const labels = {}; // key → element whose text is the label
    const label = (key, control) => {
      const span = make("span", { class: "nnlive-label" });
      labels[key] = span;
      return make("label", {}, [span, control]);
    };

    const dataset = make("select", { id: "live-dataset" });
    for (const name of Object.keys(DATASETS)) dataset.appendChild(make("option", { value: name }));
    dataset.value = "moons";
    const noise = make("input", { id: "live-noise", type: "range" });
    const noiseOut = make("output", { class: "nnlive-value" });
    const size = make("input", { id: "live-size", type: "range", min: "50", max: "1000", step: "50", value: "400" });
    const sizeOut = make("output", { class: "nnlive-value" });
    const classes = make("select", { id: "live-classes" });
    for (const k of [2, 3, 4, 5]) classes.appendChild(make("option", { value: String(k), text: String(k) }));
    const model = make("textarea", { id: "live-model", rows: "3", spellcheck: "false" });
    model.value = DEFAULT_MODEL;
    // cross_entropy for softmax outputs (one per class), bce for one sigmoid output
    const lossFn = make("select", { id: "live-lossfn" });
    for (const name of ["cross_entropy", "bce"]) lossFn.appendChild(make("option", { value: name, text: name }));
    const optimizer = make("select", { id: "live-optimizer" });
    for (const name of Object.keys(OPTIMIZERS)) optimizer.appendChild(make("option", { value: name, text: name }));
    optimizer.value = "adam";
    const lr = make("input", { id: "live-lr", type: "number", min: "0", step: "any", value: "0.01" });
    const epochs = make("select", { id: "live-epochs" });
    for (const e of EPOCHS) epochs.appendChild(make("option", { value: String(e), text: String(e) }));
    epochs.value = "1000";
    const batch = make("select", { id: "live-batch" });
    for (const b of [1, 8, 16, 32, 64, 128]) batch.appendChild(make("option", { value: String(b), text: String(b) }));
    batch.value = "32";
    const train = make("button", { id: "live-train", type: "button", class: "nnlive-primary" });
    const stop = make("button", { id: "live-stop", type: "button", disabled: "" });
    const reset = make("button", { id: "live-reset", type: "button" });
    const status = make("div", { id: "live-status", "data-epoch": "0", "data-frames": "0", role: "status" });
    const error = make("pre", { class: "nnlive-error", hidden: "" });
    const plane = make("canvas", { id: "live-plane", class: "nnlive-plane" });
    const loss = make("canvas", { id: "live-loss", class: "nnlive-loss" });
    const cap = make("div", { class: "nnlive-caption" });
    const hint = make("div", { class: "nnlive-hint" });
    const frameBox = make("div", { class: "nnlive-frame" }, [plane, loss, cap]);
    const script = make("pre", { id: "live-script", class: "nnlive-script" });
    const scriptTitle = make("div", { class: "nnlive-script-title" });

    const noiseLabel = label("noise", make("span", { class: "nnlive-range" }, [noise, noiseOut]));
    const classesLabel = label("classes", classes);
    root.append(
      make("div", { class: "nnlive-controls" }, [
        make("div", { class: "nnlive-group" }, [
          label("dataset", dataset), noiseLabel,
          label("size", make("span", { class: "nnlive-range" }, [size, sizeOut])), classesLabel]),
        make("div", { class: "nnlive-group nnlive-model" }, [label("model", model), label("lossFn", lossFn)]),
        make("div", { class: "nnlive-group" }, [label("optimizer", optimizer), label("lr", lr), label("epochs", epochs), label("batch", batch)]),
        make("div", { class: "nnlive-buttons" }, [train, stop, reset]),
        status,
      ]),
      make("div", { class: "nnlive-view" }, [error, hint, frameBox]),
      make("div", { class: "nnlive-code" }, [scriptTitle, script]),
    );

    // state of the interpreter's side: what `net` and `data` were built from
    let built = null;      // {key: the data and model code} once `net` exists
    let shown = null;      // the script shown, in each language
    let runSeed = 1;       // Reset draws a fresh model from the next seed
    let running = false;
    let frames = 0;
    let earlier = null;    // the history of earlier runs on the same net: {loss, accuracy, …}
    let lastFrame = null, lastStatus = ["idle"];

    function setStatus(key, ...args) {
      lastStatus = [key, ...args];
      const v = text(lang)[key];
      status.textContent = typeof v === "function" ? v(...args) : v;
    }

    function syncDataset() {
      const d = DATASETS[dataset.value];
      const [min, max, step, value] = d.noise;
      Object.assign(noise, { min, max, step });
      noise.value = value;
      classesLabel.hidden = !d.classes;
      labels.noise.dataset.key = d.std ? "std" : "noise";
      applyLabels();
      showValues();
    }
    function showValues() {
      noiseOut.textContent = noise.value;
      sizeOut.textContent = size.value;
    }

    // The output width of the model text follows the classes when it ends in dense(…, k); softmax.
    function syncClasses() {
      const k = DATASETS[dataset.value].classes ? +classes.value : 2;
      model.value = model.value.replace(/(dense\(\s*[^,()]+,\s*)(\d+)(\s*\)\s*;?\s*softmax\s*;?\s*\}\s*)$/,
                                        (all, a, old, b) => a + k + b);
    }

    function dataCode(t) {
      const d = DATASETS[dataset.value];
      const k = d.classes ? +classes.value : 2;
      return d.code(+size.value, +noise.value, k, t);
    }
    function trainCode() {
      const e = +epochs.value || FOREVER;
      return `let history = train(net, data, loss = ${lossFn.value}, optimizer = ${optimizer.value}(lr = ${+lr.value}), ` +
             `epochs = ${e}, batch = ${batch.value}, verbose = false, live = true)`;
    }
    // The data always from seed(1), so that Reset changes the initial weights only.
    function setupCode(name, t) {
      const lines = ["seed(1)", ...dataCode(t), model.value.trim()];
      if (runSeed > 1) lines.push(`seed(${runSeed})   ${t.resetComment}`);
      lines.push(`let net = ${name}()`);
      return lines;
    }

    function applyLabels() {
      const t = text(lang);
      for (const [key, span] of Object.entries(labels)) span.textContent = t[span.dataset.key || key];
      for (const o of dataset.options) o.textContent = t.datasets[o.value];
      epochs.options[EPOCHS.indexOf(0)].textContent = t.untilStop;
      train.textContent = t.train;
      stop.textContent = t.stop;
      reset.textContent = t.reset;
      scriptTitle.textContent = t.script;
      hint.textContent = t.hint;
      if (shown) script.textContent = shown[lang];
    }

    function draw(f) {
      render(frameBox, f, { lang });
      hint.hidden = true;
      frames++;
      status.dataset.frames = String(frames);
      status.dataset.epoch = String(f.epoch);
      lastFrame = f;
      if (running) setStatus("training", f.epoch);
    }
    // Every epoch's frame is drawn as it arrives (a few milliseconds of the page's time:
    // the training runs in the worker), so the regions are redrawn after every epoch.
    function onFrame(frame) {
      draw(earlier ? join(earlier, frame) : frame);
    }
    // A frame continuing earlier runs on the same network: one curve from epoch 1.
    function join(prev, frame) {
      const f = { ...frame, epoch: prev.loss.length + frame.epoch, epochs: prev.loss.length + frame.epochs };
      for (const key of ["loss", "accuracy", "val_loss", "val_accuracy"])
        if (frame[key]) f[key] = (prev[key] || prev.loss.map(() => null)).concat(frame[key]);
      return f;
    }

    function setRunning(on) {
      running = on;
      train.disabled = on;
      reset.disabled = on;
      stop.disabled = !on;
      root.dataset.running = on ? "true" : "false";
    }

    // The message wraps, so its end is never out of sight; a quoted source line and its
    // carets keep their columns (live.css), so the carets stay under what they mark.
    function showError(msg) {
      error.textContent = "";
      msg.split("\n").forEach((line, i) => {
        if (i) error.append("\n");
        const quoted = /^\s*\d*\s\|(\s|$)/.test(line);
        error.append(quoted ? make("span", { class: "nnlive-quoted", text: line }) : line);
      });
      error.hidden = !msg;
      if (msg) hint.hidden = true;
    }

    // What Train would run now: {key, again (the same net, trained further), code: {en,
    // zh}}, or {error} when the controls do not make a script.
    function plan() {
      const name = (model.value.match(/\bmodel\s+([A-Za-z_]\w*)\s*\(/) || [])[1];
      if (!name) return { error: "noModel" };
      if (!(+lr.value > 0 && isFinite(+lr.value))) return { error: "badLr" };
      const key = setupCode(name, TEXT.en).join("\n");
      const again = !!built && built.key === key;
      const code = (t) => (again ? [t.continueComment] : setupCode(name, t)).concat(trainCode()).join("\n") + "\n";
      return { key, again, code: { en: code(TEXT.en), zh: code(TEXT.zh) } };
    }
    // While idle, the script shows what Train will run as the controls change.
    function preview() {
      if (running) return;
      const p = plan();
      if (p.error) return;
      shown = p.code;
      script.textContent = shown[lang];
    }

    async function run() {
      if (running) return;
      const p = plan();
      if (p.error) { showError(text(lang)[p.error]); setStatus("fixFirst"); return; }
      const key = p.key;
      if (p.again) earlier = lastFrame;
      else earlier = built = null;
      shown = p.code;
      const source = shown[lang];
      script.textContent = source;
      showError("");
      frames = 0;
      status.dataset.frames = "0";
      setRunning(true);
      setStatus(nn.busy ? "waiting" : "starting");
      const t0 = performance.now();
      let r;
      try {
        r = await nn.run(source, { name: "live.nn", echo: false, live: onFrame });
      } catch (e) {
        r = { ok: false, stderr: String(e && e.message || e) };
      }
      setRunning(false);
      // the net exists once its line ran: the setup had no error, or the error came later
      if (r.ok || (lastFrame && frames > 0)) built = { key };
      if (!r.ok) {
        showError((r.stderr || "").trim() || text(lang).failed);
        setStatus("failed");
        return;
      }
      const epoch = lastFrame ? lastFrame.epoch : 0;
      if (lastFrame && lastFrame.interrupted) setStatus("stopped", epoch);
      else setStatus("done", epoch, ((performance.now() - t0) / 1000).toFixed(1));
    }

    // As in TensorFlow Playground, the data set shows as soon as it is chosen and follows
    // the noise and size sliders: while idle, a change draws the new points (no regions,
    // no loss). nn makes the points: a one-step train with lr = 0 of a throwaway model
    // sends them in its frame; inside an anonymous function called at once, so nothing
    // is left in the console (:vars), whose data, net and history stay the last training's.
    let previewTimer = 0, previewRun = 0;
    function previewData() {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(async () => {
        if (running) return;
        const ticket = ++previewRun;
        const d = DATASETS[dataset.value], k = d.classes ? +classes.value : 2;
        const source = [
          `(fn() {`,
          `  model preview(k) { dense(2, k); softmax }`,
          `  seed(1)`,
          ...dataCode(TEXT.en).map((line) => "  " + line),
          `  train(preview(${k}), data, loss = cross_entropy, optimizer = sgd(lr = 0), ` +
            `epochs = 1, batch = ${+size.value}, verbose = false, live = true)`,
          `  return none`,
          `})()`,
        ].join("\n") + "\n";
        let points = null;
        const r = await nn.run(source, { name: "live-preview.nn", echo: false,
                                         live: (f) => { points = f.points || null; } }).catch(() => null);
        if (!r || !r.ok || !points || running || ticket !== previewRun) return;
        render(frameBox, { epoch: 0, epochs: 0, loss: [], accuracy: [], outputs: k, points }, { lang });
        hint.hidden = true;
      }, 150);
    }

    function freshModel() {
      if (running) return;
      runSeed++;
      built = null;
      earlier = null;
      lastFrame = null;
      frames = 0;
      status.dataset.frames = "0";
      status.dataset.epoch = "0";
      showError("");
      frameBox._nnLive = null;
      for (const c of [plane, loss]) prepare(c);
      cap.textContent = "";
      hint.hidden = false;
      setStatus("fresh");
      preview();
      previewData();
    }

    train.addEventListener("click", run);
    model.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
    });
    stop.addEventListener("click", () => { if (running) nn.interrupt(); });
    reset.addEventListener("click", freshModel);
    dataset.addEventListener("change", () => { syncDataset(); syncClasses(); });
    for (const c of [dataset, noise, size, classes])
      c.addEventListener(c.tagName === "SELECT" ? "change" : "input", previewData);
    classes.addEventListener("change", syncClasses);
    model.addEventListener("input", () => {
      const out = model.value.match(/\b(softmax|sigmoid)\s*;?\s*\}\s*$/);
      if (out) lossFn.value = out[1] === "sigmoid" ? "bce" : "cross_entropy";
    });
    noise.addEventListener("input", showValues);
    size.addEventListener("input", showValues);
    optimizer.addEventListener("change", () => { lr.value = OPTIMIZERS[optimizer.value]; });

    for (const c of [dataset, noise, size, classes, model, lossFn, optimizer, lr, epochs, batch])
      c.addEventListener(c.tagName === "SELECT" ? "change" : "input", preview);
    syncDataset();
    setRunning(false);
    setStatus("idle");
    preview();
    // The first data preview when the view is first shown: a page that opens on another
    // tab starts with no run of the view's in its interpreter's queue.
    if (global.ResizeObserver) {
      const shown = new ResizeObserver(() => {
        if (root.clientWidth) { shown.disconnect(); previewData(); }
      });
      shown.observe(root);
    } else previewData();
    return {
      // The interpreter was reset: its net is gone, so the next Train builds a new one.
      forget() { built = null; earlier = null; preview(); },
      setLang(next) {
        lang = next === "zh" ? "zh" : "en";
        applyLabels();
        setStatus(...lastStatus);
        if (frameBox._nnLive) render(frameBox, frameBox._nnLive.frame, { lang }); // a training's or the data's
      },
    };
  }

  global.NNLive = { mount, render, renderSoon };
})(typeof window !== "undefined" ? window : globalThis);
