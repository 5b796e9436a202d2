# A keyword argument spelled as PyTorch or Keras spell it (learning_rate, eps, weight_decay,
# validation_data, batch_size, dim, negative_slope, momentum), or one edit away (epoch),
# suggests nn's parameter; sgd(momentum = ...) points to the momentum optimizer; a name
# near nothing lists the parameters as before.
t() { $RUN -e "$1" 2>&1 | head -1; }
t 'sgd(lr = 0.1, momentum = 0.9)'
t 'adam(learning_rate = 0.1)'
t 'adam(eps = 1e-7)'
t 'adamw(weight_decay = 0.1)'
t 'rmsprop(alpha = 0.9)'
t 'momentum(momentum = 0.5)'
t 'let d = xor(); train(dense(2, 1), d, loss = mse, optimizer = sgd(), validation_data = d)'
t 'let d = xor(); train(dense(2, 1), d, loss = mse, optimizer = sgd(), epoch = 3)'
t 'let d = xor(); train(dense(2, 1), d, loss = mse, optimizer = sgd(), batch_size = 3)'
t 'softmax([1, 2], dim = 0)'
t 'leaky_relu(1, negative_slope = 0.2)'
t 'adam(zzz = 1)'
t 'sgd(l = 1)'
$RUN -e 'adam(learning_rate = 0.1)' 2>&1; echo "status $?"
