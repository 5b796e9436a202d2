/* data.c — data sets and tensor files: IDX (Fashion-MNIST), CSV, synthetic sets drawn
 * from the seeded generator, split/normalize, and safetensors save/load.
 *
 * A dataset is a record {x: tensor [N, ...], y: tensor [N] of class indices (floats
 * holding whole numbers) or [N, k] targets}; other fields (classes) ride along.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "data.h"
#include "file.h"
#include "idx.h"
#include "mem.h"
#include "platform.h"
#include "safetensors.h"
#include "utf8.h"

/* ------------------------------------------------------------------ helpers */

/* "bad argument #1 'n' to 'spiral' (the count must be >= 1, got -3)", at the argument. */
static _Noreturn void bad_arg(Call *c, int i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static _Noreturn void bad_arg(Call *c, int i, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, _(fmt), ap); /* the catalogue's text (i18n.h) */
  va_end(ap);
  const Node *at = c->arg_nodes && c->arg_nodes[i] ? c->arg_nodes[i] : c->node;
  /* arg_fail's sentence (args.c), whose msgid and Chinese text live with it */
  static const char bad_argument[] = "bad argument #%d '%s' to '%s' (%s)";
  ev_error(c->I, at, bad_argument, i + 1, c->fn->params.names[i]->name, c->fn->name, msg);
}

/* A whole number >= lo; `what` names it (marked N_, translated here). */
static int64_t arg_count(Call *c, int i, int64_t lo, const char *what) {
  long long n = arg_int(c, i);
  if (n < lo) bad_arg(c, i, "%s must be >= %lld, got %lld", _(what), (long long)lo, n);
  if (n > (1LL << 40)) bad_arg(c, i, "%s is too large: %lld", _(what), n);
  return n;
}

static double arg_nonneg(Call *c, int i, const char *what) {
  double x = arg_num(c, i);
  if (!(x >= 0) || isinf(x)) bad_arg(c, i, "%s must be a finite number >= 0, got %g", _(what), x);
  return x;
}


/* The file as bytes (images) or floats (labels: bytes = false). */
static Value load_idx_file(const char *name, const char *path, double divisor, bool bytes) {
  Value volatile t = v_none();
  RtFrame f;
  if (RT_TRY(&f)) {
    t = bytes ? v_u8(idx_load_u8(path, divisor)) : v_tensor(idx_load(path, divisor));
    rt_pop(&f);
  } else {
    rt_pop(&f);
    arg_rethrow_as(name);
  }
  return t;
}

static Sym *sym(Interp *I, const char *s) { return sym_intern(&I->syms, s, strlen(s)); }

/* A new record, rooted: take it back with ev_unroot_keep when it is complete. */
static Record *rec_new(Interp *I) {
  Value r = v_record_new();
  ev_root(I, r);
  return r.as.rec;
}

/* A new tensor stored in rec under key right away (so an error later releases it). */
static Tensor *rec_tensor(Interp *I, Record *rec, const char *key, int ndim, const int64_t *shape) {
  Sym *k = sym(I, key);
  Tensor *t = t_new(ndim, shape);
  record_set(rec, k, v_tensor(t));
  return t;
}

static Value rec_done(Interp *I) { return ev_unroot_keep(I); }

/* ------------------------------------------------------------------ IDX files */

/* images [N, ...] / 255 (kept as bytes: V_U8) and labels [N] as a dataset; name and paths
   for messages; classes
   (n_classes names in label order, or NULL) becomes data.classes, which confusion and
   report print. */
static Value idx_dataset(Call *c, const char *name, const char *images, const char *labels,
                         const char *const *classes, int n_classes) {
  Interp *I = c->I;
  Sym *kx = sym(I, "x"), *ky = sym(I, "y");
  Record *rec = rec_new(I);
  Value xv = load_idx_file(name, images, 255, true);
  record_set(rec, kx, xv);
  const U8Tensor *x = xv.as.u8;
  Value yv = load_idx_file(name, labels, 1, false);
  record_set(rec, ky, yv);
  const Tensor *y = yv.as.t;
  char sh[96];
  if (y->ndim != 1)
    ev_error(I, c->node, "%s: %s: labels must be 1-D, got shape %s", name, labels,
             t_shape_str(y->ndim, y->shape, sh, sizeof sh));
  if (x->shape[0] != y->shape[0])
    ev_error(I, c->node, "%s: %s has %lld images but %s has %lld labels", name, images,
             (long long)x->shape[0], labels, (long long)y->shape[0]);
  if (classes) {
    Value l = v_list_new(n_classes);
    record_set(rec, sym(I, "classes"), l);
    for (int k = 0; k < n_classes; k++) list_push(l.as.list, v_cstr(classes[k]));
  }
  return rec_done(I);
}

static Value bi_load_idx(Call *c) {
  char ibuf[4096], lbuf[4096];
  const char *images = arg_path(c, 0, ibuf, sizeof ibuf), *labels = arg_path(c, 1, lbuf, sizeof lbuf);
  return idx_dataset(c, "load_idx", images, labels, NULL, 0);
}

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"
/* A string, not a macro glued into the messages: xgettext does not expand macros. */
static const char *const fashion_files =
    N_("train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz "
       "and t10k-labels-idx1-ubyte.gz (or the same without .gz)");

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* dir/base.gz if it exists, else dir/base if that exists, else NULL (dir/base.gz in
   missing). */
static const char *find_file(char *buf, size_t n, const char *dir, const char *base,
                             char *missing, size_t mn) {
  snprintf(buf, n, "%s/%s.gz", dir, base);
  if (is_file(buf)) return buf;
  snprintf(buf, n, "%s/%s", dir, base);
  if (is_file(buf)) return buf;
  if (!*missing) snprintf(missing, mn, "%s.gz", base);
  return NULL;
}

static Value bi_fashion_mnist(Call *c) {
  const char *split = arg_str(c, 0);
  const char *prefix = !strcmp(split, "train") ? "train" : !strcmp(split, "test") ? "t10k" : NULL;
  if (!prefix) bad_arg(c, 0, "the split must be \"train\" or \"test\", got \"%s\"", split);
  const char *env = getenv("NN_DATA");
  bool from_env = env && *env;
  const char *opened = pf_get()->opened_files_dir; /* a page's opened files */
  const char *dir = from_env ? env : opened ? opened : FASHION_DIR;
  char images[4096], labels[4096], base[64], missing[64] = "";
  snprintf(base, sizeof base, "%s-images-idx3-ubyte", prefix);
  const char *ip = find_file(images, sizeof images, dir, base, missing, sizeof missing);
  snprintf(base, sizeof base, "%s-labels-idx1-ubyte", prefix);
  const char *lp = find_file(labels, sizeof labels, dir, base, missing, sizeof missing);
  if (!ip || !lp) {
    struct stat st;
    if (from_env && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
      ev_error(c->I, c->node,
               "Fashion-MNIST not found: NN_DATA is %s, which is not a folder; set NN_DATA to a "
               "folder with %s, or unset it to use Debian's dataset-fashion-mnist "
               "(`make data`)", dir, _(fashion_files));
    if (from_env)
      ev_error(c->I, c->node,
               "Fashion-MNIST not found in %s (from NN_DATA): no %s there; set NN_DATA to a "
               "folder with %s, or unset it to use Debian's dataset-fashion-mnist "
               "(`make data`)", dir, missing, _(fashion_files));
    if (opened)
      ev_error(c->I, c->node,
               "Fashion-MNIST not found: no %s among the opened files; open %s (from the "
               "Fashion-MNIST site or Debian's dataset-fashion-mnist) with the page's file button",
               missing, _(fashion_files));
    ev_error(c->I, c->node,
             "Fashion-MNIST not found in %s: install it with `make data` (apt-get install "
             "dataset-fashion-mnist) or set NN_DATA to a folder with %s", dir, _(fashion_files));
  }
  /* Zalando's names for labels 0..9 (the dataset's README); not translated: they are data. */
  static const char *const fashion_classes[] = {"T-shirt/top", "Trouser", "Pullover", "Dress",
                                                "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                                                "Ankle boot"};
  return idx_dataset(c, "fashion_mnist", ip, lp, fashion_classes, 10);
}

/* ------------------------------------------------------------------ CSV */

/* The state of one load_csv, all freed together (on success and on unwind). */
typedef struct Csv {
  char *text;            /* the whole file, NUL-terminated */
  size_t len;
  char **cols;           /* header names */
  int n_cols, cap_cols;
  char *field;           /* the current field, unquoted */
  size_t field_len, field_cap;
  double *feat;          /* rows × (n_cols − 1) features */
  size_t n_feat, cap_feat;
  double *tnum;          /* per row: the target as a number (NaN when not numeric) */
  int *tcls;             /* per row: the target's class index */
  size_t n_rows, cap_tnum, cap_tcls;
  char **classes;        /* distinct target strings in order of first appearance */
  int n_classes, cap_classes;
  int *slots;            /* open-addressing hash of classes: index + 1, 0 = empty */
  size_t n_slots;        /* a power of two, at least twice n_classes */
  size_t n_labels;       /* target fields that are neither numbers nor missing-value marks */
  int na_line;           /* the first row whose target is a missing-value mark, or 0 */
  char na_text[16];      /* ... and that mark */
} Csv;

static void csv_free(Csv *s) {
  free(s->text);
  for (int i = 0; i < s->n_cols; i++) free(s->cols[i]);
  free(s->cols);
  free(s->field);
  free(s->feat);
  free(s->tnum);
  free(s->tcls);
  for (int i = 0; i < s->n_classes; i++) free(s->classes[i]);
  free(s->classes);
  free(s->slots);
  free(s);
}

static void grow(void **p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return;
  size_t cap2 = *cap ? *cap * 2 : 16;
  while (cap2 < need) cap2 *= 2;
  *p = rt_realloc(*p, cap2 * size);
  *cap = cap2;
}

static void field_add(Csv *s, char ch) {
  grow((void **)&s->field, &s->field_cap, s->field_len + 2, 1);
  s->field[s->field_len++] = ch;
  s->field[s->field_len] = 0;
}

/* Read one field at *p (quoted "..." with "" for a quote, or plain up to , or the end
   of the line) into s->field; leaves *p at the delimiter. */
static void csv_field(Csv *s, const char **p, const char *path, int *line) {
  const char *q = *p;
  s->field_len = 0;
  field_add(s, 0);
  s->field_len = 0;
  while (*q == ' ' || *q == '\t') q++;
  if (*q == '"') {
    q++;
    for (;;) {
      if (!*q) rt_throw("%s:%d: unterminated quoted field", path, *line);
      if (*q == '"') {
        if (q[1] == '"') field_add(s, '"'), q += 2;
        else {
          q++;
          break;
        }
      } else {
        if (*q == '\n') (*line)++;
        field_add(s, *q++);
      }
    }
    while (*q == ' ' || *q == '\t' || *q == '\r') q++;
    if (*q && *q != ',' && *q != '\n')
      rt_throw("%s:%d: unexpected text after a quoted field", path, *line);
  } else {
    while (*q && *q != ',' && *q != '\n') field_add(s, *q++);
    while (s->field_len && (s->field[s->field_len - 1] == ' ' || s->field[s->field_len - 1] == '\t' ||
                            s->field[s->field_len - 1] == '\r'))
      s->field[--s->field_len] = 0;
  }
  *p = q;
}

/* FNV-1a over a NUL-terminated string. */
static size_t str_hash(const char *str) {
  uint64_t h = 1469598103934665603u;
  for (const unsigned char *q = (const unsigned char *)str; *q; q++) h = (h ^ *q) * 1099511628211u;
  return (size_t)h;
}

/* The index of the target class NAME, added (in order of first appearance) if new. A hash
   table keeps this O(1) per row: a linear search made load_csv quadratic in the rows. */
static int class_index(Csv *s, const char *name) {
  if ((size_t)s->n_classes * 2 >= s->n_slots) { /* rehash at half full */
    size_t n = s->n_slots ? s->n_slots * 2 : 64;
    int *slots = rt_calloc(n, sizeof *slots);
    for (int k = 0; k < s->n_classes; k++) {
      size_t i = str_hash(s->classes[k]) & (n - 1);
      while (slots[i]) i = (i + 1) & (n - 1);
      slots[i] = k + 1;
    }
    free(s->slots);
    s->slots = slots;
    s->n_slots = n;
  }
  size_t i = str_hash(name) & (s->n_slots - 1);
  for (; s->slots[i]; i = (i + 1) & (s->n_slots - 1))
    if (!strcmp(s->classes[s->slots[i] - 1], name)) return s->slots[i] - 1;
  size_t cap = (size_t)s->cap_classes;
  grow((void **)&s->classes, &cap, (size_t)s->n_classes + 1, sizeof(char *));
  s->cap_classes = (int)cap;
  s->classes[s->n_classes] = rt_strdup(name);
  s->slots[i] = ++s->n_classes;
  return s->n_classes - 1;
}

/* pandas' default missing-value marks (read_csv's na_values), empty fields aside. */
static bool is_missing_mark(const char *f) {
  static const char *const marks[] = {"NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL",
                                      "null", "None", "<NA>", "#N/A", "#N/A N/A", "#NA",
                                      "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"};
  for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
    if (!strcmp(f, marks[i])) return true;
  return false;
}

/* A number that fits a float32 (explicit "inf" aside): 1e308 would silently become inf. */
static void check_float_range(const char *f, double v, const char *path, int line, const char *col) {
  if (isfinite(v) ? fabs(v) > FLT_MAX : errno == ERANGE)
    rt_throw("%s:%d: column '%s': %.40s is out of the float32 range (±3.4e38)", path, line, col, f);
}

static bool parse_number(const char *f, double *out) {
  if (!*f) return false;
  char *e;
  errno = 0;
  double v = strtod(f, &e);
  if (*e || e == f) return false;
  *out = v;
  return true;
}

static void csv_read(Csv *s, const char *path) {
  const char *why;
  int fd = rt_open_regular(path, &why);
  if (fd == -2) rt_throw("%s: is a folder, not a CSV file", path);
  if (fd < 0) rt_throw("%s: cannot open: %s", path, why);
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    int e = errno;
    close(fd);
    rt_throw("%s: cannot open: %s", path, rt_strerror(e));
  }
  char buf[65536];
  size_t r, cap = 0;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) {
      grow((void **)&s->text, &cap, s->len + r + 1, 1);
      memcpy(s->text + s->len, buf, r);
      s->len += r;
    }
    if (ferror(f)) rt_throw("%s: cannot read: %s", path, rt_strerror(errno));
    grow((void **)&s->text, &cap, s->len + 1, 1);
    s->text[s->len] = 0;
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    fclose(f);
    rt_rethrow();
  }
  fclose(f);
  if (strlen(s->text) != s->len) rt_throw("%s: contains a NUL byte: not a text file", path);
}

/* Parse the whole file; target is a column name or NULL for the last column. */
static void csv_parse(Csv *s, const char *path, const char *target) {
  csv_read(s, path);
  const char *p = s->text;
  if (!strncmp(p, "\xEF\xBB\xBF", 3)) p += 3; /* a UTF-8 byte-order mark (Excel writes one) */
  int line = 1;
  /* skip blank lines before the header */
  while (*p == '\n' || *p == '\r') line += *p++ == '\n';
  if (!*p) rt_throw("%s: empty file (a header row naming the columns is required)", path);
  size_t cap_cols = 0;
  for (;;) {
    csv_field(s, &p, path, &line);
    if (!s->field[0]) rt_throw("%s:%d: column %d of the header has no name", path, line, s->n_cols + 1);
    grow((void **)&s->cols, &cap_cols, (size_t)s->n_cols + 1, sizeof(char *));
    for (int i = 0; i < s->n_cols; i++)
      if (!strcmp(s->cols[i], s->field))
        rt_throw("%s:%d: two columns are named '%s'", path, line, s->field);
    s->cols[s->n_cols] = rt_strdup(s->field);
    s->n_cols++;
    if (*p != ',') break;
    p++;
  }
  int hline = line;
  if (*p == '\n') p++, line++;
  if (s->n_cols < 2) rt_throw("%s:%d: the header names %d column; at least 2 are needed (features and a target)",
                              path, hline, s->n_cols);
  int tcol = s->n_cols - 1;
  if (target) {
    tcol = -1;
    for (int i = 0; i < s->n_cols; i++)
      if (!strcmp(s->cols[i], target)) tcol = i;
    if (tcol < 0) {
      char names[1024] = "";
      size_t k = 0;
      for (int i = 0; i < s->n_cols && k < sizeof names - 8; i++)
        k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", i ? ", " : "", s->cols[i]);
      rt_throw("%s:%d: no column named '%s' (the columns are: %s)", path, hline, target, names);
    }
  }
  while (*p) {
    if (*p == '\n' || (*p == '\r' && p[1] == '\n')) { /* blank line */
      p += *p == '\r';
      p++, line++;
      continue;
    }
    int row_line = line;
    grow((void **)&s->tnum, &s->cap_tnum, s->n_rows + 1, sizeof(double));
    grow((void **)&s->tcls, &s->cap_tcls, s->n_rows + 1, sizeof(int));
    int col = 0;
    for (;;) {
      csv_field(s, &p, path, &line);
      if (col >= s->n_cols) {
        int n = col + 1;
        while (*p == ',') p++, csv_field(s, &p, path, &line), n++;
        rt_throw("%s:%d: ragged row: %d fields, but the header has %d", path, row_line, n, s->n_cols);
      }
      if (col == tcol) {
        double v;
        if (!s->field[0]) rt_throw("%s:%d: the target column '%s' is empty", path, row_line, s->cols[col]);
        s->tnum[s->n_rows] = NAN;
        if (is_missing_mark(s->field)) {
          if (!s->na_line) {
            s->na_line = row_line;
            snprintf(s->na_text, sizeof s->na_text, "%s", s->field);
          }
        } else if (parse_number(s->field, &v)) {
          check_float_range(s->field, v, path, row_line, s->cols[col]);
          s->tnum[s->n_rows] = v;
        } else {
          s->n_labels++;
        }
        s->tcls[s->n_rows] = class_index(s, s->field);
      } else {
        double v;
        if (!s->field[0])
          rt_throw("%s:%d: column '%s' is empty (features must be numbers)", path, row_line, s->cols[col]);
        if (is_missing_mark(s->field)) /* "nan" would parse, and poison training later */
          rt_throw("%s:%d: column '%s' is missing a value ('%s'); features must be numbers (drop or fill that row)",
                   path, row_line, s->cols[col], s->field);
        if (!parse_number(s->field, &v)) {
          s->field[utf8_prefix(s->field, 40)] = 0; /* the message shows 40 bytes: whole characters */
          rt_throw("%s:%d: column '%s': '%.40s' is not a number", path, row_line, s->cols[col], s->field);
        }
        check_float_range(s->field, v, path, row_line, s->cols[col]);
        grow((void **)&s->feat, &s->cap_feat, s->n_feat + 1, sizeof(double));
        s->feat[s->n_feat++] = v;
      }
      col++;
      if (*p != ',') break;
      p++;
    }
    if (col < s->n_cols && col == 1)
      rt_throw("%s:%d: ragged row: 1 field, but the header has %d", path, row_line, s->n_cols);
    if (col < s->n_cols)
      rt_throw("%s:%d: ragged row: %d fields, but the header has %d", path, row_line, col, s->n_cols);
    s->n_rows++;
    if (*p == '\n') p++, line++;
  }
  if (s->n_rows == 0) rt_throw("%s: no data rows after the header", path);
  /* Numbers with a gap: the target is numeric with a missing value, not a set of class
     names ("NA" among numbers used to turn the whole column into class indices). */
  if (!s->n_labels && s->na_line)
    rt_throw("%s:%d: the target column '%s' is missing a value ('%s'); a numeric target needs "
             "a number on every row (drop or fill that row)", path, s->na_line, s->cols[tcol], s->na_text);
}

static Value bi_load_csv(Call *c) {
  Interp *I = c->I;
  char buf[4096];
  const char *path = arg_path(c, 0, buf, sizeof buf);
  const char *target = c->args[1].type == V_NONE ? NULL : arg_str(c, 1);
  Csv *s = rt_calloc(1, sizeof *s);
  Value r;
  RtFrame fr;
  if (RT_TRY(&fr)) {
    RtFrame in;
    if (RT_TRY(&in)) {
      csv_parse(s, path, target);
      rt_pop(&in);
    } else {
      rt_pop(&in);
      arg_rethrow_as("load_csv");
    }
    int64_t n = (int64_t)s->n_rows, nf = s->n_cols - 1;
    Record *rec = rec_new(I);
    Tensor *x = rec_tensor(I, rec, "x", 2, (int64_t[]){n, nf});
    for (size_t i = 0; i < s->n_feat; i++) x->data[i] = (float)s->feat[i];
    Tensor *y = rec_tensor(I, rec, "y", 1, &n);
    bool numeric = true;
    for (int64_t i = 0; i < n; i++) numeric = numeric && !isnan(s->tnum[i]);
    for (int64_t i = 0; i < n; i++) y->data[i] = numeric ? (float)s->tnum[i] : (float)s->tcls[i];
    if (!numeric) {
      Value l = v_list_new(s->n_classes);
      record_set(rec, sym(I, "classes"), l);
      for (int k = 0; k < s->n_classes; k++) list_push(l.as.list, v_cstr(s->classes[k]));
    }
    r = rec_done(I);
    rt_pop(&fr);
  } else {
    rt_pop(&fr);
    csv_free(s);
    rt_rethrow();
  }
  csv_free(s);
  return r;
}

/* ------------------------------------------------------------------ synthetic sets */

/* A dataset record with x [m, 2] and y [m], rooted; filled in by the caller. */
static Record *xy_new(Interp *I, int64_t m, Tensor **x, Tensor **y) {
  Record *rec = rec_new(I);
  *x = rec_tensor(I, rec, "x", 2, (int64_t[]){m, 2});
  *y = rec_tensor(I, rec, "y", 1, &m);
  return rec;
}

/* linspace(a, b, n)[i], both ends included (NumPy's). */
static double lin(double a, double b, int64_t n, int64_t i) {
  return n == 1 ? a : a + (b - a) * (double)i / (double)(n - 1);
}

/* xor(): the four corners of the unit square, y = x1 XOR x2. */
static Value bi_xor(Call *c) {
  Tensor *x, *y;
  xy_new(c->I, 4, &x, &y);
  static const float xs[] = {0, 0, 0, 1, 1, 0, 1, 1}, ys[] = {0, 1, 1, 0};
  memcpy(x->data, xs, sizeof xs);
  memcpy(y->data, ys, sizeof ys);
  return rec_done(c->I);
}

/* spiral(n, classes, noise), CS231n's: for class j, point i of n,
     r = linspace(0, 1, n)[i],  t = linspace(4j, 4(j + 1), n)[i] + noise·N(0, 1),
     x = (r·sin t, r·cos t),  y = j.
   Rows are grouped by class; the normal draws go in row order. */
static Value bi_spiral(Call *c) {
  int64_t n = arg_count(c, 0, 1, N_("the number of points per class"));
  int64_t k = arg_count(c, 1, 1, N_("the number of classes"));
  double noise = arg_nonneg(c, 2, N_("the noise"));
  if ((double)n * (double)k > 2147483648.0)
    bad_arg(c, 0, "n × classes = %.0f points is too many", (double)n * (double)k);
  Tensor *x, *y;
  xy_new(c->I, n * k, &x, &y);
  Rng *rng = &c->I->rng;
  for (int64_t j = 0; j < k; j++)
    for (int64_t i = 0; i < n; i++) {
      int64_t row = j * n + i;
      double r = lin(0, 1, n, i);
      double t = lin(4.0 * (double)j, 4.0 * (double)(j + 1), n, i) + noise * rng_normal(rng);
      x->data[2 * row] = (float)(r * sin(t) + 0.0); /* + 0.0: no -0 at r = 0 */
      x->data[2 * row + 1] = (float)(r * cos(t) + 0.0);
      y->data[row] = (float)j;
    }
  return rec_done(c->I);
}

/* moons(n, noise), like sklearn.datasets.make_moons without its shuffle:
   n_out = n // 2 points on the upper half circle (cos s, sin s), s = linspace(0, π, n_out),
   class 0; n_in = n − n_out on the lower one (1 − cos s, 1 − sin s − 0.5),
   s = linspace(0, π, n_in), class 1; then noise·N(0, 1) added to every coordinate
   (drawn in row order, x1 then x2). */
static Value bi_moons(Call *c) {
  int64_t n = arg_count(c, 0, 2, N_("the number of points"));
  double noise = arg_nonneg(c, 1, N_("the noise"));
  int64_t n_out = n / 2, n_in = n - n_out;
  Tensor *x, *y;
  xy_new(c->I, n, &x, &y);
  Rng *rng = &c->I->rng;
  for (int64_t i = 0; i < n; i++) {
    bool inner = i >= n_out;
    int64_t m = inner ? n_in : n_out, k = inner ? i - n_out : i;
    double s = lin(0, M_PI, m, k);
    double a = inner ? 1 - cos(s) : cos(s), b = inner ? 1 - sin(s) - 0.5 : sin(s);
    a += noise * rng_normal(rng);
    b += noise * rng_normal(rng);
    x->data[2 * i] = (float)a, x->data[2 * i + 1] = (float)b;
    y->data[i] = inner;
  }
  return rec_done(c->I);
}

/* circles(n, noise, factor), like sklearn.datasets.make_circles without its shuffle:
   n_out = n // 2 points on the unit circle (cos s, sin s), s = 2π·i/n_out (the end
   left out), class 0; n_in = n − n_out on the circle of radius factor, s = 2π·i/n_in,
   class 1; then noise·N(0, 1) added to every coordinate (row order, x1 then x2). */
static Value bi_circles(Call *c) {
  int64_t n = arg_count(c, 0, 2, N_("the number of points"));
  double noise = arg_nonneg(c, 1, N_("the noise"));
  double factor = arg_num(c, 2);
  if (!(factor >= 0 && factor < 1)) bad_arg(c, 2, "the factor must be in [0, 1), got %g", factor);
  int64_t n_out = n / 2, n_in = n - n_out;
  Tensor *x, *y;
  xy_new(c->I, n, &x, &y);
  Rng *rng = &c->I->rng;
  for (int64_t i = 0; i < n; i++) {
    bool inner = i >= n_out;
    int64_t m = inner ? n_in : n_out, k = inner ? i - n_out : i;
    double s = 2 * M_PI * (double)k / (double)m, rad = inner ? factor : 1;
    double a = rad * cos(s) + noise * rng_normal(rng);
    double b = rad * sin(s) + noise * rng_normal(rng);
    x->data[2 * i] = (float)a, x->data[2 * i + 1] = (float)b;
    y->data[i] = inner;
  }
  return rec_done(c->I);
}

/* blobs(n, centers, std), like sklearn.datasets.make_blobs without its shuffle:
   centres c_j drawn uniformly in [-10, 10]² (x1 then x2, centre by centre); then centre
   j gets n // centers points (the first n % centers one more), each c_j + std·N(0, 1)²,
   class j, rows grouped by centre. */
static Value bi_blobs(Call *c) {
  int64_t n = arg_count(c, 0, 1, N_("the number of points"));
  int64_t k = arg_count(c, 1, 1, N_("the number of centres"));
  double sd = arg_nonneg(c, 2, N_("the standard deviation"));
  if (k > n) bad_arg(c, 1, "%lld centres for %lld points: at most one centre per point",
                     (long long)k, (long long)n);
  Interp *I = c->I;
  Tensor *ctr = call_keep(c, t_new(2, (int64_t[]){k, 2})); /* the centres, scratch */
  Tensor *x, *y;
  xy_new(I, n, &x, &y);
  Rng *rng = &I->rng;
  for (int64_t j = 0; j < 2 * k; j++) ctr->data[j] = (float)(-10 + 20 * rng_uniform(rng));
  int64_t row = 0;
  for (int64_t j = 0; j < k; j++) {
    int64_t m = n / k + (j < n % k);
    for (int64_t i = 0; i < m; i++, row++) {
      x->data[2 * row] = (float)(ctr->data[2 * j] + sd * rng_normal(rng));
      x->data[2 * row + 1] = (float)(ctr->data[2 * j + 1] + sd * rng_normal(rng));
      y->data[row] = (float)j;
    }
  }
  return rec_done(I);
}

/* ------------------------------------------------------------------ split, normalize */

/* The rows of a tensor or byte tensor split() divides; -1 for anything else (kept whole). */
static int64_t rows_of(Value v) {
  if (v.type == V_TENSOR && v.as.t->ndim > 0) return v.as.t->shape[0];
  if (v.type == V_U8 && v.as.u8->ndim > 0) return v.as.u8->shape[0];
  return -1;
}

static Value bi_split(Call *c) {
  Interp *I = c->I;
  Value d = c->args[0];
  if (d.type != V_RECORD) arg_error(c, 0, "a dataset record such as {x: …, y: …}");
  double frac = arg_num(c, 1);
  if (!(frac >= 0 && frac <= 1)) bad_arg(c, 1, "the fraction must be in [0, 1], got %g", frac);
  bool shuffle = arg_bool(c, 2);
  Record *src = d.as.rec;
  int64_t n = -1;
  int first = -1;
  for (int i = 0; i < src->n; i++) {
    int64_t rows = rows_of(src->vals[i]);
    if (rows < 0) continue;
    if (n < 0) n = rows, first = i;
    else if (rows != n)
      bad_arg(c, 0, "field '%s' has %lld rows but '%s' has %lld", src->keys[i]->name,
              (long long)rows, src->keys[first]->name, (long long)n);
  }
  if (n < 0) bad_arg(c, 0, "the record has no tensor with rows to split");
  int64_t n_train = (int64_t)floor(frac * (double)n + 0.5);
  /* The row order: a Fisher–Yates shuffle with the seeded generator, or as it is. */
  Value out = v_list_new(2);
  ev_root(I, out);
  int64_t *volatile perm = rt_malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
  for (int64_t i = 0; i < n; i++) perm[i] = i;
  if (shuffle)
    for (int64_t i = n - 1; i > 0; i--) {
      int64_t j = (int64_t)rng_below(&I->rng, (uint64_t)i + 1), t = perm[i];
      perm[i] = perm[j], perm[j] = t;
    }
  RtFrame f;
  if (RT_TRY(&f)) {
    for (int part = 0; part < 2; part++) {
      int64_t lo = part ? n_train : 0, m = part ? n - n_train : n_train;
      Value rv = v_record_new();
      list_push(out.as.list, rv);
      Record *rec = rv.as.rec;
      for (int i = 0; i < src->n; i++) {
        Value v = src->vals[i];
        if (rows_of(v) < 0) {
          record_set(rec, src->keys[i], v_retain(v));
          continue;
        }
        if (v.type == V_U8) { /* images stay bytes */
          record_set(rec, src->keys[i], v_u8(u8_take_rows(v.as.u8, perm + lo, m)));
          continue;
        }
        const Tensor *t = v.as.t;
        int64_t shape[T_MAXDIM];
        memcpy(shape, t->shape, sizeof shape);
        shape[0] = m;
        Tensor *r = t_new(t->ndim, shape);
        record_set(rec, src->keys[i], v_tensor(r));
        int64_t row = n ? t->size / n : 0;
        for (int64_t k = 0; k < m; k++)
          memcpy(r->data + k * row, t->data + perm[lo + k] * row, sizeof(float) * (size_t)row);
      }
    }
    rt_pop(&f);
  } else {
    rt_pop(&f);
    free(perm);
    rt_rethrow();
  }
  free(perm);
  return ev_unroot_keep(I);
}

/* x's elements [off, off + n): a float tensor's own, or a byte tensor's converted into
   buf (n floats), so that normalizing images never holds a float copy of them all. */
static const float *span(Value x, int64_t off, int64_t n, float *buf) {
  if (x.type == V_TENSOR) return x.as.t->data + off;
  u8_to_floats(x.as.u8, off, n, buf);
  return buf;
}

/* (x − mean) / (std + 1e-8) along axis, mean and population std (divided by n) in
   double, in two passes. x: a tensor or a byte tensor (V_U8), borrowed. */
static Tensor *normalized(Value x, int axis) {
  int ndim = x.type == V_U8 ? x.as.u8->ndim : x.as.t->ndim;
  const int64_t *shape = x.type == V_U8 ? x.as.u8->shape : x.as.t->shape;
  axis = t_axis("normalize", axis, ndim);
  int64_t outer = t_span(shape, 0, axis), len = shape[axis], inner = t_span(shape, axis + 1, ndim);
  Tensor *r = t_new(ndim, shape);
  if (r->size == 0) return r; /* no rows; inner alone may be huge ([0, 9e15]) */
  double *volatile acc = NULL;
  float *volatile buf = NULL; /* one slab of inner floats, for bytes */
  RtFrame f;
  if (RT_TRY(&f)) {
    acc = rt_calloc((size_t)(inner ? 2 * inner : 1), sizeof(double));
    if (x.type == V_U8) buf = rt_malloc(sizeof(float) * (size_t)inner);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    free(acc);
    t_release(r);
    rt_rethrow();
  }
  double *mean = acc, *var = acc + inner;
  for (int64_t o = 0; o < outer; o++) {
    int64_t xo = o * len * inner; /* the offset of this outer slab */
    float *ro = r->data + xo;
    memset(acc, 0, sizeof(double) * (size_t)(2 * inner));
    for (int64_t k = 0; k < len; k++) {
      const float *xk = span(x, xo + k * inner, inner, buf);
      for (int64_t i = 0; i < inner; i++) mean[i] += xk[i];
    }
    for (int64_t i = 0; i < inner; i++) mean[i] /= (double)len;
    for (int64_t k = 0; k < len; k++) {
      const float *xk = span(x, xo + k * inner, inner, buf);
      for (int64_t i = 0; i < inner; i++) {
        double dv = xk[i] - mean[i];
        var[i] += dv * dv;
      }
    }
    for (int64_t i = 0; i < inner; i++) var[i] = sqrt(var[i] / (double)len) + 1e-8;
    for (int64_t k = 0; k < len; k++) {
      const float *xk = span(x, xo + k * inner, inner, buf);
      for (int64_t i = 0; i < inner; i++) ro[k * inner + i] = (float)((xk[i] - mean[i]) / var[i]);
    }
  }
  free(acc);
  free(buf);
  return r;
}

static Value bi_normalize(Call *c) {
  int axis = arg_axis_opt(c, 1, 0);
  Value v = c->args[0];
  if (v.type != V_RECORD) return v_tensor(normalized(v_tensor(arg_tensor(c, 0)), axis));
  Interp *I = c->I;
  Record *src = v.as.rec;
  Value *xv = record_get(src, sym(I, "x"));
  if (!xv) bad_arg(c, 0, "a dataset record needs a field 'x'");
  if (!is_tensorish(*xv) && xv->type != V_LIST)
    bad_arg(c, 0, "field 'x' is a %s, not a tensor", v_type_name(*xv));
  /* images stay bytes: normalized reads them a slab at a time */
  Value x = xv->type == V_U8 ? *xv : v_tensor(call_keep(c, to_tensor(I, *xv, _("field 'x'"))));
  Record *rec = rec_new(I);
  for (int i = 0; i < src->n; i++) record_set(rec, src->keys[i], v_retain(src->vals[i]));
  record_set(rec, sym(I, "x"), v_tensor(normalized(x, axis)));
  return rec_done(I);
}

/* ------------------------------------------------------------------ safetensors */

static Value bi_save_tensors(Call *c) {
  Interp *I = c->I;
  char buf[4096];
  const char *path = arg_path(c, 0, buf, sizeof buf);
  if (c->args[1].type != V_RECORD) arg_error(c, 1, "a record of name → tensor");
  Record *rec = c->args[1].as.rec;
  int n = rec->n;
  for (int i = 0; i < n; i++) {
    Value v = rec->vals[i];
    if (!is_tensorish(v) && v.type != V_LIST)
      bad_arg(c, 1, "field '%s' is a %s, not a tensor", rec->keys[i]->name, v_type_name(v));
    Tensor *volatile t = NULL;
    RtFrame f;
    if (RT_TRY(&f)) {
      t = to_tensor(I, v, _("each item"));
      rt_pop(&f);
    } else { /* a list that is no tensor: blame the field */
      rt_pop(&f);
      if (rt_errkind() != RT_ERR_GENERIC) rt_rethrow();
      char why[512];
      snprintf(why, sizeof why, "%s", rt_errmsg());
      I->err_node = NULL;
      bad_arg(c, 1, "field '%s' is not a tensor: %s", rec->keys[i]->name, why);
    }
    call_keep(c, t);
  }
  const char **volatile names = rt_malloc(sizeof(char *) * (size_t)(n ? n : 1));
  Tensor **volatile ts = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    ts = rt_malloc(sizeof(Tensor *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
      names[i] = rec->keys[i]->name;
      ts[i] = I->roots[I->n_roots - n + i].as.t;
    }
    static const char *const meta[] = {"format", "nn", NULL};
    st_save(path, n, names, ts, meta);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    free((void *)names);
    free(ts);
    arg_rethrow_as("save_tensors");
  }
  free((void *)names);
  free(ts);
  return v_none();
}

static Value bi_load_tensors(Call *c) {
  Interp *I = c->I;
  char buf[4096];
  const char *path = arg_path(c, 0, buf, sizeof buf);
  StFile *volatile st = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    st = st_load(path);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    arg_rethrow_as("load_tensors");
  }
  Value r;
  if (RT_TRY(&f)) {
    Record *rec = rec_new(I);
    for (int i = 0; i < st->n; i++) record_set(rec, sym(I, st->names[i]), v_tensor(t_retain(st->tensors[i])));
    r = rec_done(I);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    st_free(st);
    rt_rethrow();
  }
  st_free(st);
  return r;
}

/* ------------------------------------------------------------------ the table */

static const Builtin data_builtins[] = {
    {"load_idx", "load_idx(images, labels)", bi_load_idx,
     N_("IDX files (MNIST's format, .gz or plain) → {x: [N, rows, cols] in [0, 1], y: [N]}")},
    {"fashion_mnist", "fashion_mnist(split = \"train\")", bi_fashion_mnist,
     N_("Fashion-MNIST \"train\" (60000) or \"test\" (10000): {x: [N, 28, 28] in [0, 1], y: [N]}")},
    {"load_csv", "load_csv(path, target = none)", bi_load_csv,
     N_("a CSV file with a header → {x: [N, F], y: [N]} (+ classes when the target is text); "
        "target names the label column (default: the last)")},
    {"xor", "xor()", bi_xor, N_("the XOR problem: x [[0,0],[0,1],[1,0],[1,1]], y [0,1,1,0]")},
    {"spiral", "spiral(n = 100, classes = 3, noise = 0.2)", bi_spiral,
     N_("CS231n's spirals: r = linspace(0, 1), t = 4·class + linspace(0, 4) + noise·N(0, 1)")},
    {"moons", "moons(n = 200, noise = 0.1)", bi_moons,
     N_("two interleaving half circles (like sklearn's make_moons), classes 0 and 1")},
    {"circles", "circles(n = 200, noise = 0.05, factor = 0.5)", bi_circles,
     N_("a circle inside another of radius factor (like sklearn's make_circles)")},
    {"blobs", "blobs(n = 300, centers = 3, std = 1.0)", bi_blobs,
     N_("Gaussian clusters around centres drawn uniformly in [-10, 10]² (like make_blobs)")},
    {"split", "split(data, fraction = 0.8, shuffle = true)", bi_split,
     N_("[train, test]: the first round(fraction·N) rows (shuffled first) and the rest")},
    {"normalize", "normalize(x, axis = 0)", bi_normalize,
     N_("(x − mean) / (std + 1e-8) along axis; a dataset gets its x normalized")},
    {"save_tensors", "save_tensors(path, tensors)", bi_save_tensors,
     N_("write a record of name → tensor to a safetensors file (atomically)")},
    {"load_tensors", "load_tensors(path)", bi_load_tensors,
     N_("read a safetensors file (F32) into a record of name → tensor")},
    {NULL, NULL, NULL, NULL},
};

void data_register(Interp *I) { builtins_register_table(I, data_builtins); }
