# Every error of the data builtins, with its exact message (the temporary folder is
# shown as $T). Each case runs on its own; stderr is shown inline.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
e() { $RUN -e "$1" 2>&1 | sed "s|$T|\$T|g"; }
cd "$T"
printf '\0\0\010\003\0\0\0\002\0\0\0\002\0\0\0\002\001\002\003\004\005' > short-images
printf '\0\0\010\001\0\0\0\003\001\002\003' > labels3
printf '\0\0\010\002\0\0\0\002\0\0\0\001\001\002' > labels2d
printf '\0\0\010\001\0\0\0\002\001\002' > labels2
printf '\0\0\010\003\0\0\0\003\0\0\0\001\0\0\0\001\001\002\003' > images3
printf 'a,b,y\n' > header.csv
: > empty.csv
printf 'a,b,y\n1,2,x\n3,4\n' > short.csv
printf 'a,b,y\n1,2,x\n3,4,x,5,6\n' > long.csv
printf 'a,b,y\n1,2,x\n3,abc,x\n' > text.csv
printf 'a,b,y\n1,,x\n' > blank.csv
printf 'a,b,y\n1,2,\n' > notarget.csv
printf 'a,b,a\n1,2,3\n' > dup.csv
printf 'a,b,y\n1,"2,x\n' > quote.csv
printf 'y\n1\n' > one.csv
mkdir folder
# safetensors with dtype F16: header {"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}
printf '\070\0\0\0\0\0\0\0{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}\0\0\0\0' > half.safetensors
printf '\010\0\0\0\0\0\0\0{}      \001' > extra.safetensors

e 'load_idx("missing-images.gz", "labels3")'
e 'load_idx("short-images", "labels3")'
e 'load_idx("images3", "labels2d")'
e 'load_idx("images3", "short-images")'
e 'load_idx("labels3", "images3")'
e 'load_idx("images3", "labels2")'
e 'load_idx(1, "labels3")'
e 'fashion_mnist("validation")'
e 'fashion_mnist(3)'
NN_DATA="$T/nowhere" e 'fashion_mnist()'
mkdir nothing
NN_DATA="$T/nothing" e 'fashion_mnist()'
cp short-images train-images-idx3-ubyte
cp labels3 train-labels-idx1-ubyte
NN_DATA="$T" e 'fashion_mnist("test")'
NN_DATA="$T" e 'fashion_mnist("train")'

e 'load_csv("nope.csv")'
e 'load_csv("folder")'
e 'load_csv("empty.csv")'
e 'load_csv("header.csv")'
e 'load_csv("short.csv")'
e 'load_csv("long.csv")'
e 'load_csv("text.csv")'
e 'load_csv("blank.csv")'
e 'load_csv("notarget.csv")'
e 'load_csv("dup.csv")'
e 'load_csv("quote.csv")'
e 'load_csv("one.csv")'
e 'load_csv("text.csv", target = "label")'
e 'load_csv("text.csv", target = 2)'

e 'spiral(n = 0)'
e 'spiral(classes = 1.5)'
e 'spiral(noise = -1)'
e 'spiral(n = 100000, classes = 100000)'
e 'moons(n = 1)'
e 'moons(noise = inf)'
e 'circles(factor = 1)'
e 'circles(noise = "a")'
e 'blobs(n = 5, centers = 10)'
e 'blobs(std = -0.5)'
e 'xor(1)'

e 'split([1, 2, 3])'
e 'split({x: zeros(3, 2), y: zeros(4)})'
e 'split({a: 1, b: "s"})'
e 'split(xor(), fraction = 1.5)'
e 'split(xor(), shuffle = "yes")'
e 'normalize({y: [1, 2]})'
e 'normalize({x: "text"})'
e 'normalize(zeros(2, 3), axis = 2)'
e 'normalize(3)'
e 'normalize("x")'

e 'save_tensors("m.safetensors", [1, 2])'
e 'save_tensors("m.safetensors", {w: [1, 2], classes: ["a", "b"]})'
e 'save_tensors("m.safetensors", {w: [1, 2], f: "s"})'
e 'save_tensors("no/such/folder/m.safetensors", {w: [1, 2]})'
e 'save_tensors("folder", {w: [1, 2]})'
e 'load_tensors("nope.safetensors")'
e 'load_tensors("half.safetensors")'
e 'load_tensors("extra.safetensors")'
e 'load_tensors("labels3")'
e 'load_tensors("folder")'
ls | grep -c tmp
