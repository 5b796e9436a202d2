# train_targets.nn in Chinese (--lang zh): the epoch lines without accuracy and the
# error about the missing field, translated.
$RUN --lang zh train_targets.nn 2>&1; echo "status $?"
