# A setting named for an activation that has none besides its input: the error says so
# (it listed "it has: none", which reads as a parameter called none); one with settings
# still lists them.
t() { $RUN -e "$1" 2>&1; echo "status $?"; }
t 'model m() { dense(2, 2); relu(a = 1) }; m()'
t 'model m() { dense(2, 2); leaky_relu(b = 1) }; m()'
