// node_env.js — --pre-js of the Node command line (build/web/node/nn): the process's
// environment becomes the program's (emscripten otherwise gives getenv a fixed, made-up
// one), so LANG, NN_DATA, COLUMNS, NO_COLOR … act as they do for ./nn.
Module.preRun = (Module.preRun || []).concat(() => Object.assign(ENV, process.env));
