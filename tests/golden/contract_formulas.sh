# DESIGN.md's formulas contract, through nn -e (which echoes each expression's value).
$RUN -e 'softmax([1, 2, 3])                        # [0.0900306, 0.244728, 0.665241]
softmax([1000, 1001, 1002])               # stable: subtracts C = max first
log_softmax([1000, 0, -1000])
sigmoid(0); tanh(1); relu([-1, 2]); step([-1, 0, 2]); identity(3)
leaky_relu([-1, 2])                       # [-0.1, 2]: slope 0.1 as in the notes
leaky_relu([-1, 2], a = 0.01)
entropy([0.5, 0.5])                       # H(p) in nats
cross_entropy([0, 1, 0], [0.2, 0.7, 0.1]) # H(p, q) = -Σ p log q: truth first, as the notes write
cross_entropy(1, [0.2, 0.7, 0.1])         # class index j: L = -log(q_j), the same value
kl([0.5, 0.5], [0.9, 0.1])                # KL(p || q); p with zeros is fine (0 log 0 = 0)
mse([1, 2], [1.5, 2.5])
fn f(x) = sum(sigmoid(x))                 # named function; fn(x) = x * x is anonymous
grad(f, [0, 1])                           # [0.25, 0.196612]
deriv(sigmoid)(0)                         # 0.25 — elementwise derivative as a function
'
