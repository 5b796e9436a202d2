/* lib.c — registers every builtin library, in one fixed order (the order of the globals
 * decides ties in "did you mean" suggestions and the REPL's completions). Adding a
 * library means adding its register call here; no library registers another.
 */
#include "autodiff.h"
#include "compare.h"
#include "data.h"
#include "decl.h"
#include "export.h"
#include "graph.h"
#include "help.h"
#include "import.h"
#include "lib.h"
#include "lib_core.h"
#include "losscheck.h"
#include "metrics.h"
#include "model.h"
#include "npyio.h"
#include "plot.h"
#include "train.h"

void lib_register_all(Interp *I) {
  lib_core_register(I);
  layers_register(I);
  autodiff_register(I);
  train_register(I);
  model_register(I);
  lib_core_constants(I);
  data_register(I);
  plot_register(I);
  compare_register(I); /* after plot: the order of the globals stays as it was */
  help_register(I);
  losscheck_register(I);
  metrics_register(I);
  graph_register(I);
  npyio_register(I);
  export_register(I);
  import_register(I);
}
