// node_env.js — --pre-js of the Node command line (build/web/node/nn): the process's
// environment becomes the program's (emscripten otherwise gives getenv a fixed, made-up
// one), so LANG, NN_DATA, COLUMNS, NO_COLOR … act as they do for ./nn.
Module.preRun = (Module.preRun || []).concat(() => Object.assign(ENV, process.env));

// A write to a closed pipe (nn … | head) ends the process silently, as SIGPIPE's default
// action ends ./nn: Node has no SIGPIPE, so emscripten would see EPIPE and nn would report
// "writing the output failed". 141 = 128 + SIGPIPE, the status a shell reports for it.
{
  const fs = require("fs");
  const writeSync = fs.writeSync;
  fs.writeSync = function (fd, ...rest) {
    try {
      return writeSync.call(fs, fd, ...rest);
    } catch (e) {
      if (e && e.code === "EPIPE" && (fd === 1 || fd === 2)) process.exit(141);
      throw e;
    }
  };
}
