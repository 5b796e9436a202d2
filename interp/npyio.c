/* npyio.c — the builtins load_npy and save_npy: NumPy's .npy and .npz files
 * (runtime/npy.h) as tensors and records of tensors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "args.h"
#include "mem.h"
#include "npy.h"
#include "npyio.h"

typedef enum { EXT_NPY, EXT_NPZ, EXT_OTHER } Ext;

static Ext extension(const char *path) {
  size_t n = strlen(path);
  if (n >= 4 && !strcasecmp(path + n - 4, ".npy")) return EXT_NPY;
  if (n >= 4 && !strcasecmp(path + n - 4, ".npz")) return EXT_NPZ;
  return EXT_OTHER;
}

static Value array_value(NpyArray a) { return a.u8 ? v_u8(a.u8) : v_tensor(a.t); }

/* load_npy(path): a .npy → its tensor; a .npz → a record of its members by name. */
static Value bi_load_npy(Call *c) {
  Interp *I = c->I;
  char buf[4096];
  const char *path = arg_path(c, 0, buf, sizeof buf);
  Ext ext = extension(path);
  if (ext == EXT_OTHER) arg_fail(c, 0, "the file name must end in .npy or .npz, got '%s'", arg_str(c, 0));
  NpyArray a = {NULL, NULL};
  NpzFile *volatile z = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    if (ext == EXT_NPY) a = npy_load(path);
    else z = npz_load(path);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    arg_rethrow_as("load_npy");
  }
  if (ext == EXT_NPY) return array_value(a);
  Value r;
  if (RT_TRY(&f)) {
    Value rv = v_record_new();
    ev_root(I, rv);
    /* each member moves into the record as it is stored */
    for (int i = 0; i < z->n; i++) {
      Value v = array_value(z->arrays[i]);
      z->arrays[i] = (NpyArray){NULL, NULL};
      record_set(rv.as.rec, sym_intern(&I->syms, z->names[i], strlen(z->names[i])), v);
    }
    r = ev_unroot_keep(I);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    npz_free(z);
    rt_rethrow();
  }
  npz_free(z);
  return r;
}

/* Field i of the record argument as a new tensor; a field that is no tensor is an error naming it. */
static Tensor *field_tensor(Call *c, Record *rec, int i) {
  Interp *I = c->I;
  Value fv = rec->vals[i];
  char why[1024];
  if (!is_tensorish(fv) && fv.type != V_LIST) {
    snprintf(why, sizeof why, _("field '%s' is a %s, not a tensor"), rec->keys[i]->name, v_type_name(fv));
    arg_fail(c, 0, "%s", why);
  }
  Tensor *volatile t = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    t = to_tensor(I, fv, _("each field"));
    rt_pop(&f);
  } else { /* a list that is no tensor (ragged, or holding strings): blame the field */
    rt_pop(&f);
    if (rt_errkind() != RT_ERR_GENERIC) rt_rethrow();
    snprintf(why, sizeof why, _("field '%s' is not a tensor: %s"), rec->keys[i]->name, rt_errmsg());
    I->err_node = NULL;
    arg_fail(c, 0, "%s", why);
  }
  return t;
}

/* save_npy(t, path): a tensor to a .npy; a record of tensors to a .npz. */
static Value bi_save_npy(Call *c) {
  Interp *I = c->I;
  char buf[4096];
  const char *path = arg_path(c, 1, buf, sizeof buf);
  Ext ext = extension(path);
  Value v = c->args[0];
  if (ext == EXT_OTHER) arg_fail(c, 1, "the file name must end in .npy or .npz, got '%s'", arg_str(c, 1));
  if (ext == EXT_NPZ && v.type != V_RECORD)
    arg_fail(c, 0, "a .npz file holds named arrays: give a record such as {x: x, y: y}, got a %s",
             v_type_name(v));
  if (ext == EXT_NPY) {
    if (v.type == V_RECORD)
      arg_fail(c, 0, "a .npy file holds one array: give a tensor, or save the record to a .npz", NULL);
    Tensor *t = arg_tensor(c, 0);
    RtFrame f;
    if (RT_TRY(&f)) {
      npy_save(path, t);
      rt_pop(&f);
    } else {
      rt_pop(&f);
      arg_rethrow_as("save_npy");
    }
    return v_none();
  }
  Record *rec = v.as.rec;
  int n = rec->n;
  for (int i = 0; i < n; i++) call_keep(c, field_tensor(c, rec, i)); /* rooted until we return */
  const char **volatile names = rt_calloc((size_t)(n ? n : 1), sizeof *names);
  Tensor **volatile ts = NULL;
  RtFrame f;
  if (RT_TRY(&f)) {
    ts = rt_calloc((size_t)(n ? n : 1), sizeof *ts);
    for (int i = 0; i < n; i++) {
      names[i] = rec->keys[i]->name;
      ts[i] = I->roots[I->n_roots - n + i].as.t;
    }
    npz_save(path, n, names, ts);
    rt_pop(&f);
  } else {
    rt_pop(&f);
    free((void *)names);
    free(ts);
    arg_rethrow_as("save_npy");
  }
  free((void *)names);
  free(ts);
  return v_none();
}

static const Builtin npyio_builtins[] = {
    {"load_npy", "load_npy(path)", bi_load_npy,
     N_("a NumPy .npy file → a tensor (f4 f8 i1–i8 u1–u8 b1, C order); a .npz → a record "
        "of its arrays by name")},
    {"save_npy", "save_npy(t, path)", bi_save_npy,
     N_("write a tensor to a .npy file ('<f4', C order), or a record of tensors to a .npz "
        "(as np.savez does)")},
    {NULL, NULL, NULL, NULL},
};

void npyio_register(Interp *I) { builtins_register_table(I, npyio_builtins); }
