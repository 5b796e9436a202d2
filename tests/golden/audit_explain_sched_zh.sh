# explain of a scheduled learning rate in Chinese: its value at epoch t and the note.
$RUN --lang zh -e 'explain sgd(lr = step_decay(0.1, 2, 0.5), t = 3)'
