# help for load_npy and save_npy, in English and Chinese.
$RUN -e 'help("load_npy")' 2>&1; echo "status $?"
$RUN -e 'help(save_npy)' 2>&1; echo "status $?"
$RUN --lang zh -e 'help("load_npy")' 2>&1; echo "status $?"
$RUN --lang zh -e 'help("save_npy")' 2>&1; echo "status $?"
