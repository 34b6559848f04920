# async-profiler (from Maven Central, bench/pom.xml) for bench/run.sh and bench/ab.sh, which source this file after
# setting root (the checkout) and building bench/ (bench/target/tools, bench/target/classes).

# profiler_setup <dir>: unpacks the profiler's library for this machine into <dir> and sets $profiler to it
profiler_setup() {
  local platform jar
  case "$(uname -m)" in x86_64) platform=linux-x64 ;; aarch64) platform=linux-arm64 ;; *) platform="" ;; esac
  jar=$(ls "$root"/bench/target/tools/async-profiler-*.jar | head -1)
  (cd "$1" && jar xf "$jar" "$platform/libasyncProfiler.so")
  profiler="$1/$platform/libasyncProfiler.so"
}

# profiler_command <pid> <command>: e.g. start,event=cpu,interval=1ms or stop,file=<f>,collapsed
profiler_command() {
  java -cp "$root/bench/target/classes" io.github.kafkarestgateway.bench.AttachProfiler "$1" "$profiler" "$2" > /dev/null
}

# profile_top <collapsed stacks> <requests>: the CPU per request in all, then the 30 hottest methods (self time), in µs
# per request
profile_top() {
  awk -v n="$2" '{c = $NF; t += c; k = $0; sub(/ [0-9]+$/, "", k); m = split(k, f, ";"); self[f[m]] += c}
    END {printf "%.1f us of CPU per request in all\n", t * 1000 / n; for (x in self) printf "%7.2f %s\n", self[x] * 1000 / n, x}' \
    "$1" | sort -rn | head -31 || true  # head ends sort early
}
