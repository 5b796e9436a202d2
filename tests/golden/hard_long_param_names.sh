# Runs hard_long_param_names.nn in a temporary folder (it saves and loads a model).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp hard_long_param_names.nn "$T/" && cd "$T" && $RUN hard_long_param_names.nn
