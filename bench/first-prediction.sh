#!/usr/bin/env bash
# What an application pays to start using a network jar from `cnnc build`: in a fresh JVM each run,
# the time to construct the network (loading its class and reading the weights packed with it)
# and to run its first prediction (interpreted bytecode: nothing is JIT-compiled yet).
#
#   bench/first-prediction.sh OUT.jar [RUNS]
#
# Needs a JDK (javac, jar, java) on the PATH.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 OUT.jar [RUNS]" >&2
  exit 2
fi
jar="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
runs="${2:-5}"
# The class is the one whose weights the jar packs: com/example/digits/LabNetwork.safetensors.
weights="$(jar tf "$jar" | grep '\.safetensors$' | head -1)"
if [ -z "$weights" ]; then
  echo "$jar holds no .safetensors weights: is it a jar from cnnc build?" >&2
  exit 2
fi
class="$(echo "${weights%.safetensors}" | tr / .)"
simple="${class##*.}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/FirstPrediction.java" <<EOF
import $class;
import java.util.Locale;

public class FirstPrediction {
    public static void main(String[] args) {
        long start = System.nanoTime();
        $simple network = new $simple();
        long loaded = System.nanoTime();
        float[] input = new float[$simple.INPUT_SIZE];
        for (int i = 0; i < input.length; i++) {
            input[i] = (i % 256) / 255f;
        }
        float[] output = network.predict(input);
        long predicted = System.nanoTime();
        if (output.length != $simple.OUTPUT_SIZE) {
            throw new AssertionError("wrong output size");
        }
        System.out.printf(Locale.ROOT, "load %5.1f ms + first prediction %4.1f ms = %5.1f ms",
                (loaded - start) / 1e6, (predicted - loaded) / 1e6, (predicted - start) / 1e6);
    }
}
EOF
javac -cp "$jar" -d "$work" "$work/FirstPrediction.java"
echo "$jar: $(wc -c < "$jar") bytes, class $class"
for _ in $(seq "$runs"); do
  begin=$(date +%s%N)
  line="$(java -cp "$jar:$work" FirstPrediction)"
  end=$(date +%s%N)
  echo "  $line   (whole JVM run $(( (end - begin) / 1000000 )) ms)"
done
