# plots_confusion.nn in Chinese (--lang zh): the titles, headers, notes and axis names are
# translated; columns stay aligned by display width (a CJK character takes 2 columns).
$RUN --lang zh plots_confusion.nn
