/* live.c — the frames of `train(..., live = true)`: after every epoch, a JSON document
 * handed to Platform.show_live, from which a page redraws the loss curve and, for a data
 * set of 2-D points, the decision regions and the points (TensorFlow Playground's view,
 * of nn's own model). Natively show_live is NULL and nothing is computed.
 *
 * A frame (numbers as JSON numbers, NaN/Inf as null):
 *   {"epoch": e, "epochs": E, "interrupted": false, "last": false (true: no frame follows),
 *    "loss": [e values], "accuracy": [e] (class targets only, as train's history),
 *    "val_loss": [e] (with validate), "val_accuracy": [e] (with validate, class targets),
 *    "outputs": k,                         -- the model's output width
 *    "points": {"x": [x0, y0, x1, y1, …], "label": [class or target, …]},
 *    "grid": {"n": G, "x": [xmin, xmax], "y": [ymin, ymax], "p": [G·G·k values]}}
 * points and grid only when x is [N, 2]: at most LIVE_POINTS points (an even stride
 * through the data), labels as class indices (a one-hot row gives its argmax) or as the
 * target itself for one-column regression. grid.p holds the model's output (inference
 * mode) at G×G cell centres, row-major from (xmin, ymin): p[(i·G + j)·k + c] is output c
 * at x = xmin + (j + ½)(xmax − xmin)/G, y = ymin + (i + ½)(ymax − ymin)/G. The range is
 * the data's bounding box widened by 10% on each side. Outputs in [0, 1] are given to 3
 * decimals (a colour needs no more), others to 4 significant digits. A model that trains
 * but cannot run on the grid (a layer made for one batch size) gives no grid but
 * "grid_error": the message, and training goes on, as it does where frames are not drawn. */
#include <math.h>
#include <string.h>

#include "error.h"
#include "fit.h"
#include "live.h"
#include "platform.h"
#include "strbuf.h"

enum { LIVE_GRID = 48, LIVE_POINTS = 1000 };

static void put_num(StrBuf *b, double v) {
  if (isfinite(v)) sb_printf(b, "%.6g", v);
  else sb_puts(b, "null");
}

/* A grid output: thousands per frame, so probabilities (the usual case) skip printf:
   v in [0, 1] is written with 3 decimals ("0.127", "1"), enough for a colour; anything
   else as %.4g. */
static void put_output(StrBuf *b, float v) {
  if (!isfinite(v)) {
    sb_puts(b, "null");
    return;
  }
  if (v < 0 || v > 1) {
    sb_printf(b, "%.4g", v);
    return;
  }
  int m = (int)lrintf(v * 1000); /* 0..1000 */
  if (m == 1000) {
    sb_putc(b, '1');
    return;
  }
  char s[5] = {'0', '.', (char)('0' + m / 100), (char)('0' + m / 10 % 10), (char)('0' + m % 10)};
  int len = 5;
  while (len > 2 && s[len - 1] == '0') len--; /* "0.5", not "0.500" */
  sb_putn(b, s, len == 2 ? 1 : (size_t)len);
}

static void put_array(StrBuf *b, const char *key, const double *v, long n) {
  sb_printf(b, ",\"%s\":[", key);
  for (long i = 0; i < n; i++) {
    if (i) sb_putc(b, ',');
    put_num(b, v[i]);
  }
  sb_putc(b, ']');
}

/* The label of row i of y: a class index ([N] targets), the argmax of a one-hot or
   probability row ([N, k], k > 1), or the target of one-column regression. */
static double label_of(const Tensor *y, int64_t i) {
  if (y->ndim == 1) return y->data[i];
  int64_t k = y->size / (y->shape[0] ? y->shape[0] : 1);
  const float *row = y->data + i * k;
  if (k == 1) return row[0];
  int64_t best = 0;
  for (int64_t c = 1; c < k; c++)
    if (row[c] > row[best]) best = c;
  return (double)best;
}

/* A JSON string: the text with quotes, backslashes and control characters escaped. */
static void put_string(StrBuf *b, const char *text) {
  sb_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (*p == '"' || *p == '\\') {
      sb_putc(b, '\\');
      sb_putc(b, (char)*p);
    } else if (*p < 0x20) {
      sb_printf(b, "\\u%04x", *p);
    } else {
      sb_putc(b, (char)*p);
    }
  }
  sb_putc(b, '"');
}

/* The model's forward pass on the grid, protected (ev_pcall): its output rooted, or the
   error's message. */
typedef struct {
  Value model, x, out;
  const Node *site;
  RtErrKind kind;
  char error[512];
} GridPass;

static void grid_forward(Interp *I, void *ctx) {
  GridPass *g = ctx;
  g->out = infer(I, g->model, g->x, g->site);
  ev_root(I, g->out);
}

static void grid_failed(Interp *I, void *ctx) {
  GridPass *g = ctx;
  g->kind = rt_errkind();
  snprintf(g->error, sizeof g->error, "%s", rt_errmsg());
  I->err_node = NULL; /* caught here: no later error is to be located at it */
}

/* The points and the model's outputs on the grid around them (x: [N, 2]). Returns the
   output width k. */
static int64_t put_plane(StrBuf *b, Interp *I, Value model, Data d, const Node *site) {
  const Tensor *x = d.x.as.t; /* a float [N, 2]: live_frame checks */
  int64_t N = x->shape[0], stride = N > LIVE_POINTS ? (N + LIVE_POINTS - 1) / LIVE_POINTS : 1;
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (int64_t i = 0; i < N; i++)
    for (int a = 0; a < 2; a++) {
      double v = x->data[i * 2 + a];
      if (!isfinite(v)) continue;
      lo[a] = v < lo[a] ? v : lo[a];
      hi[a] = v > hi[a] ? v : hi[a];
    }
  for (int a = 0; a < 2; a++) {
    if (!(lo[a] <= hi[a])) lo[a] = -1, hi[a] = 1; /* no finite point */
    double pad = (hi[a] - lo[a]) * 0.1;
    if (pad == 0) pad = 1;
    lo[a] -= pad;
    hi[a] += pad;
  }
  sb_puts(b, ",\"points\":{\"x\":[");
  for (int64_t i = 0; i < N; i += stride) {
    if (i) sb_putc(b, ',');
    put_num(b, x->data[i * 2]);
    sb_putc(b, ',');
    put_num(b, x->data[i * 2 + 1]);
  }
  sb_puts(b, "],\"label\":[");
  for (int64_t i = 0; i < N; i += stride) {
    if (i) sb_putc(b, ',');
    put_num(b, label_of(d.y, i));
  }
  sb_puts(b, "]}");

  /* The grid's cell centres as one [G·G, 2] batch, through the model in inference mode. */
  int64_t shape[2] = {(int64_t)LIVE_GRID * LIVE_GRID, 2};
  Tensor *g = t_new(2, shape);
  for (int i = 0; i < LIVE_GRID; i++)
    for (int j = 0; j < LIVE_GRID; j++) {
      float *cell = g->data + ((int64_t)i * LIVE_GRID + j) * 2;
      cell[0] = (float)(lo[0] + (j + 0.5) * (hi[0] - lo[0]) / LIVE_GRID);
      cell[1] = (float)(lo[1] + (i + 0.5) * (hi[1] - lo[1]) / LIVE_GRID);
    }
  GridPass pass = {.model = model, .x = v_tensor(g), .site = site};
  ev_root(I, pass.x);
  const Node *cur = I->cur;
  if (!ev_pcall(I, grid_forward, grid_failed, &pass)) {
    I->cur = cur;
    if (pass.kind == RT_ERR_INTERRUPT) rt_rethrow(); /* a second Stop stops at once */
    sb_puts(b, ",\"grid_error\":");
    put_string(b, pass.error);
    ev_unroot(I, 1);
    return 0;
  }
  int64_t k = 0;
  Value out = pass.out;
  if (out.type == V_TENSOR && out.as.t->ndim >= 1 && out.as.t->shape[0] == shape[0]) {
    const Tensor *o = out.as.t;
    k = o->size / shape[0];
    sb_printf(b, ",\"grid\":{\"n\":%d,\"x\":[", LIVE_GRID);
    put_num(b, lo[0]);
    sb_putc(b, ',');
    put_num(b, hi[0]);
    sb_puts(b, "],\"y\":[");
    put_num(b, lo[1]);
    sb_putc(b, ',');
    put_num(b, hi[1]);
    sb_puts(b, "],\"p\":[");
    for (int64_t i = 0; i < o->size; i++) {
      if (i) sb_putc(b, ',');
      put_output(b, o->data[i]);
    }
    sb_puts(b, "]}");
  }
  ev_unroot(I, 2); /* releases both: ev_root took them over */
  return k;
}

void live_frame(Interp *I, const LiveState *s) {
  const Platform *pf = pf_get();
  if (!pf->show_live) return;
  StrBuf b = {0};
  RtFrame fr;
  if (RT_TRY(&fr)) {
    sb_printf(&b, "{\"epoch\":%ld,\"epochs\":%ld,\"interrupted\":%s,\"last\":%s", s->epoch, s->epochs,
              s->interrupted ? "true" : "false", s->last ? "true" : "false");
    put_array(&b, "loss", s->loss, s->epoch);
    if (s->accuracy) put_array(&b, "accuracy", s->accuracy, s->epoch);
    if (s->val_loss) put_array(&b, "val_loss", s->val_loss, s->epoch);
    if (s->val_accuracy) put_array(&b, "val_accuracy", s->val_accuracy, s->epoch);
    int64_t k = 0;
    const Value x = s->data.x; /* IDX images (bytes) are never points in the plane */
    if (x.type == V_TENSOR && x.as.t->ndim == 2 && x.as.t->shape[1] == 2 && x.as.t->shape[0] > 0)
      k = put_plane(&b, I, s->model, s->data, s->site);
    sb_printf(&b, ",\"outputs\":%lld}", (long long)k);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    sb_free(&b);
    rt_rethrow();
  }
  pf->show_live(pf->ctx, b.s, b.len);
  sb_free(&b);
}
