# The names PyTorch, Keras, scikit-learn and micrograd users type first are too far from
# nn's for the edit distance: "undefined name" suggests nn's name for them (only when that
# name is defined); other undefined names are as before.
for name in confusion_matrix classification_report draw_dot StepLR ExponentialLR \
            CosineAnnealingLR LinearLR Linear Dense ReLU LeakyReLU CrossEntropyLoss MSELoss \
            BCELoss SGD RMSprop Adagrad nothing_like_it; do
  $RUN -e "$name" 2>&1 | head -1
done
$RUN -e 'let d = xor()
print(confusion_matrix(dense(2, 2), d))' 2>&1; echo "status $?"
