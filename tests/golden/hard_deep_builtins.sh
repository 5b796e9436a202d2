# Every builtin that turns a deeply nested list into a tensor refuses it with a located
# error (one check, in the one list-to-tensor conversion), instead of overflowing the stack.
for call in 'tensor(deep)' 'mean(deep) + 1' 'deep * 2' 'plot(deep)' \
            'save_tensors("never_written.safetensors", {w: deep})' \
            'sum(list(list(list(list(list(list(list(list(list(3))))))))))'; do
  $RUN -e "let deep = 1
for i in arange(100000) { deep = list(deep) }
$call"; echo "status $?"
done
