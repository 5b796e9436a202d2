# nn --to-torch on examples/xor.nn: the whole program (the prelude of nn's builtins,
# layers and train loop in PyTorch, then the script's declarations and its train call).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
$RUN --to-torch ../../examples/xor.nn -o "$T/xor.py" | sed "s|$T|\$T|g"
echo "status $?"
cat "$T/xor.py"
