# plots_history.nn in Chinese: panel titles and the best-epoch note.
$RUN --lang zh plots_history.nn
