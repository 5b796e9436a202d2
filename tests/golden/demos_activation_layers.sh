# Runs demos_activation_layers.nn, then removes the model file it saved.
$RUN demos_activation_layers.nn; echo "status $?"
rm -f demos_activation_layers.safetensors
