#!/usr/bin/env bash
# The benchmark, in one command: a real Kafka broker in a JVM of its own, the raw Kafka producer on it as the anchor,
# the floor relay (bench/src: the least an HTTPS gateway must do per record, with the gateway's Vert.x, Kafka client,
# TLS and JVM settings), then the gateway in its production configuration (HTTPS, API key, acks=all, idempotent
# producer) driven by wrk, all in one run on this machine, and the start-up with an AppCDS archive of the build. Each
# single-record load runs twice (the first round after the warm-up is slower: JIT). Then a second gateway where HTTP
# Basic is a Kafka user's SCRAM login (gateway.auth.kafka-identity=scram: a producer per Kafka user, on the broker's
# SASL listener with ACLs), its single-record row compared with the service-ID one. Prints one table of figures and
# their ratios to the raw producer and to the floor, and writes it to
# bench/results/. Installs wrk (Debian) when missing. Settings: BENCH_DURATION (s per run, default 20),
# BENCH_WARMUP (s, default 30), BENCH_GATEWAY_HEAP (default 192m), BENCH_GATEWAY_OPTS (more JVM options), BENCH_JFR=1 (a Java Flight Recording of the
# gateway, and its hottest methods, next to the results), BENCH_PROFILE=1 (async-profiler's CPU samples of the second
# round of the floor and of the gateway at 50 and 200 connections: the hottest methods in µs per request, and the
# collapsed stacks in bench/target/run/*.collapsed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/bench/target/run
duration=${BENCH_DURATION:-20}
# 30 s: with 10 s, the JIT compiler still took about a tenth of the gateway's CPU during the first measured run
warmup=${BENCH_WARMUP:-30}
heap=${BENCH_GATEWAY_HEAP:-192m}
port=19092; controller=19093; sasl_port=19094; https=19443; registry_port=19081
# the gateway's own Kafka user on the SASL listener (a super user); the SCRAM row's users are bench-user-N:bench-pw-N
gateway_kafka_password=bench-gateway-pw; scram_users=10
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if ! command -v wrk >/dev/null || ! command -v jq >/dev/null; then
  echo "bench: installing wrk and jq"; (apt-get update -qq && apt-get install -y -qq wrk jq) >/dev/null
fi
echo "bench: building"
# -Pregistry: the Apicurio Registry distribution too (target/apicurio-registry), for the Avro row
mvn -q -B -DskipTests -Pregistry package
(cd bench && mvn -q -B package)
rm -rf "$work"; mkdir -p "$work" bench/results
cp="$root/target/classes:$root/target/dependency/*"
tools="$root/bench/target/tools/*"

wait_for() { # file pattern seconds
  for _ in $(seq 1 "$3"); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 1; done
  echo "bench: '$2' did not appear in $1"; tail -20 "$1"; exit 1
}

echo "bench: starting the broker (PLAINTEXT, and SASL with SCRAM and ACLs for the SCRAM row)"
java -Xms1g -Xmx1g -cp "$cp" io.github.kafkarestgateway.kafka.EmbeddedKafka "$work/kafka" $port $controller $sasl_port \
  > "$work/broker.log" 2>&1 &
pids+=($!)
wait_for "$work/broker.log" "broker ready" 60
echo "bench: starting the schema registry"
java -cp "$cp" io.github.kafkarestgateway.schema.ApicurioRegistry "$root/target/apicurio-registry" $registry_port \
  "$work/registry-child.log" > "$work/registry.log" 2>&1 &
pids+=($!)
for topic in raw floor bench; do
  java -cp "$tools" org.apache.kafka.tools.TopicCommand --bootstrap-server localhost:$port --create --topic $topic \
    --partitions 1 --replication-factor 1 > /dev/null
done
# the SCRAM row's Kafka users (gateway, and bench-user-N with WRITE on bench), known to the broker before it goes on
java -cp "$root/bench/target/classes:$tools" io.github.kafkarestgateway.bench.ScramUsers localhost:$port bench \
  $scram_users $gateway_kafka_password > /dev/null

producer_perf() { # records
  java -Xmx512m -cp "$tools" org.apache.kafka.tools.ProducerPerformance --topic raw --num-records "$1" \
    --record-size 1024 --throughput -1 --producer-props bootstrap.servers=localhost:$port acks=all \
    enable.idempotence=true | tail -1
}
echo "bench: warming up the broker, then the raw producer (1 KB records, acks=all)"
producer_perf 300000 > /dev/null
raw=$(producer_perf 1500000)
echo "  $raw"
raw_rps=$(echo "$raw" | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/')
raw_mbs=$(echo "$raw" | sed -E 's/.*\(([0-9.]+) MB\/sec\).*/\1/')
raw_p50=$(echo "$raw" | sed -E 's/.* ([0-9]+) ms 50th.*/\1/')
raw_p99=$(echo "$raw" | sed -E 's/.* ([0-9]+) ms 99th.*/\1/')

# the JVM settings README recommends: those of the run command, read from pom.xml (gateway.jvm-options); the heap
# last, so that BENCH_GATEWAY_HEAP wins
read -ra jvm <<< "$(sed -n 's:.*<gateway.jvm-options>\(-[^<]*\)</gateway.jvm-options>.*:\1:p' pom.xml | head -1)"
jvm+=(-Xms$heap -Xmx$heap)
jfr=()
if [[ "${BENCH_JFR:-0}" == 1 ]]; then jfr=(-XX:StartFlightRecording=filename="$work/gateway.jfr",settings=profile,dumponexit=true); fi
gateway_args=()  # arguments of GatewayMain (Camel Main's), for the next start_gateway
start_gateway() { # log classpath [more JVM options]; sets gateway, waits until ready
  local log=$1 classpath=$2; shift 2
  # the more options after these: of two -D of one key, the JVM keeps the last
  MALLOC_ARENA_MAX=2 java "${jvm[@]}" ${BENCH_GATEWAY_OPTS:-} -cp "$classpath" \
    -Dkafka.bootstrap.servers=localhost:$port -Dgateway.http.port=$https \
    -Dgateway.auth.keys-file="$work/keys.json" -Dgateway.auth.create-dev-key=false \
    -Dgateway.dead-letter.journal="$work/dead-letters/journal.jsonl" \
    -Dgateway.schema-registry.url=http://localhost:$registry_port/apis/ccompat/v7 "$@" \
    io.github.kafkarestgateway.GatewayMain "${gateway_args[@]}" > "$log" 2>&1 &
  gateway=$!
  measured=$gateway
  pids+=($gateway)
  until curl -skf "https://localhost:$https/ready" > /dev/null 2>&1; do
    sleep 0.05
    kill -0 $gateway 2>/dev/null || { tail -30 "$log"; exit 1; }
  done
}
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$measured/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$measured/status"; }
offsets() { java -cp "$tools" org.apache.kafka.tools.GetOffsetShell --bootstrap-server localhost:$port --topic "$BENCH_TOPIC" \
  2>/dev/null | awk -F: '{s += $3} END {print s + 0}'; }

# BENCH_PROFILE=1: async-profiler (from Maven Central, bench/pom.xml), attached for one measured round
. bench/profiler.sh
profiler=""
if [[ "${BENCH_PROFILE:-0}" == 1 ]]; then profiler_setup "$work"; fi
profiles=()
profile_start() { # pid
  [[ -z "$profiler" ]] || profiler_command "$1" "start,event=cpu,interval=1ms"
}
profile_stop() { # pid file-name label; after run_load: the hottest methods (self time) in µs per request of that round
  [[ -n "$profiler" ]] || return 0
  local file="$work/$2.collapsed"
  profiler_command "$1" "stop,file=$file,collapsed"
  local top
  top=$(profile_top "$file" "$requests")
  profiles+=("$3 (async-profiler, CPU every 1 ms, self time in µs per request):
\`\`\`
$top
\`\`\`")
}

rows=()
declare -A floor_rps floor_p99 single_rps
avro_vs_plain=() scram_vs_plain=()
run_load() { # label script connections records-per-request [floor key]; sets rps, p99
  local label=$1 script=$2 connections=$3 per=$4
  before_records=$(offsets); before_cpu=$(cpu_ticks)
  out=$(wrk -t2 -c$connections -d"${duration}s" --timeout 10s -s "$script" "https://localhost:$https")
  after_cpu=$(cpu_ticks); rss=$(rss_mb); after_records=$(offsets)
  line=$(echo "$out" | grep '^RESULT')
  get() { echo "$line" | sed -E "s/.* $1=([0-9]+).*/\1/"; }
  requests=$(get requests); ok=$(get ok); other=$(get other); errors=$(get socket_errors); us=$(get duration_us)
  p50=$(get p50_us); p90=$(get p90_us); p99=$(get p99_us)
  added=$((after_records - before_records))
  rps=$(awk -v n="$ok" -v us="$us" 'BEGIN {printf "%.0f", n / (us / 1e6)}')
  recs=$((rps * per))
  mbs=$(awk -v r="$recs" 'BEGIN {printf "%.1f", r * 1024 / 1048576}')
  cpu_us=$(awk -v d=$((after_cpu - before_cpu)) -v t="$ticks" -v n="$requests" 'BEGIN {printf "%.0f", d / t * 1e6 / (n > 0 ? n : 1)}')
  ratio=$(awk -v a="$recs" -v b="$raw_rps" 'BEGIN {printf "%.3f", a / b}')
  # × floor: against the floor relay at the same number of connections (its better rate; p99 against its better p99)
  vs_floor="–"
  if [[ -n "${5:-}" && -n "${floor_rps[$5]:-}" ]]; then
    vs_floor="$(awk -v a="$rps" -v b="${floor_rps[$5]}" 'BEGIN {printf "%.3f", a / b}') (p99 $(awk -v a="$p99" -v b="${floor_p99[$5]}" 'BEGIN {printf "%.2f", a / b}')×)"
  fi
  # wrk stops mid-flight: up to one request per connection may be written but not counted
  expected=$((ok * per))
  if [[ $added -ge $expected && $added -le $(( (ok + connections) * per )) ]]; then check="ok ($added records for $ok answers)"; else check="MISMATCH ($added records for $ok answers)"; fi
  rows+=("| $label | $rps | $recs | $mbs | $(awk -v v="$p50" 'BEGIN {printf "%.1f", v / 1000}') | $(awk -v v="$p90" 'BEGIN {printf "%.1f", v / 1000}') | $(awk -v v="$p99" 'BEGIN {printf "%.1f", v / 1000}') | $((other + errors)) | $cpu_us | $rss | $ratio | $vs_floor | $check |")
}

echo "bench: starting the floor relay (same Vert.x, Kafka client, TLS and JVM settings; heap $heap)"
export BENCH_API_KEY=floor-relay-key BENCH_TOPIC=floor
MALLOC_ARENA_MAX=2 java "${jvm[@]}" -cp "$root/bench/target/classes:$cp" io.github.kafkarestgateway.bench.FloorRelay \
  $https localhost:$port "$root/certs/server.p12" > "$work/relay.log" 2>&1 &
measured=$!
pids+=($measured)
wait_for "$work/relay.log" "floor relay ready" 60
echo "bench: warming up the floor relay (${warmup}s)"
wrk -t2 -c50 -d"${warmup}s" -s bench/post.lua "https://localhost:$https" > /dev/null
for connections in 50 200; do
  for round in 1 2; do
    if [[ $round == 2 && $connections == 50 ]]; then profile_start $measured; fi
    run_load "floor relay: single 1 KB, ${connections} connections, round $round" bench/post.lua $connections 1
    if [[ $round == 2 && $connections == 50 ]]; then profile_stop $measured floor-50 "Floor relay, 50 connections, round 2"; fi
    # the floor is the better of its rounds: the higher rate, and the lower p99
    if [[ -z "${floor_rps[$connections]:-}" || $rps -gt ${floor_rps[$connections]} ]]; then floor_rps[$connections]=$rps; fi
    if [[ -z "${floor_p99[$connections]:-}" || $p99 -lt ${floor_p99[$connections]} ]]; then floor_p99[$connections]=$p99; fi
  done
done
kill $measured; wait $measured 2>/dev/null || true

echo "bench: starting the gateway (HTTPS, API key, acks=all, idempotent; heap $heap)"
key=$(java -cp "$cp" io.github.kafkarestgateway.auth.CredentialsTool create --name bench --role writer --topic bench \
  --keys-file "$work/keys.json" | sed -n 's/.*stored): //p')
start_ms=$(date +%s%3N)
start_gateway "$work/gateway.log" "$cp" "${jfr[@]}"
ready_ms=$(( $(date +%s%3N) - start_ms ))
echo "  ready after $ready_ms ms"

export BENCH_API_KEY=$key BENCH_TOPIC=bench BENCH_SUBJECT=bench-order
# the Avro rows' schema (bench/bench-order.avsc), registered before the loads
wait_for "$work/registry.log" "schema registry ready" 120
curl -sf -X POST -H "Content-Type: application/vnd.schemaregistry.v1+json" \
  "http://localhost:$registry_port/apis/ccompat/v7/subjects/bench-order/versions" \
  --data "$(jq -n --rawfile s bench/bench-order.avsc '{schema: $s}')" > /dev/null
echo "bench: warming up the gateway (${warmup}s, and as long with Avro records)"
wrk -t2 -c50 -d"${warmup}s" -s bench/post.lua "https://localhost:$https" > /dev/null
wrk -t2 -c50 -d"${warmup}s" -s bench/post-avro.lua "https://localhost:$https" > /dev/null
for connections in 50 200; do
  for round in 1 2; do
    if [[ $round == 2 ]]; then profile_start $measured; fi
    run_load "single 1 KB, ${connections} connections, round $round" bench/post.lua $connections 1 $connections
    single_rps[$connections.$round]=$rps
    if [[ $round == 2 ]]; then profile_stop $measured gateway-$connections "Gateway, ${connections} connections, round 2"; fi
    if [[ $connections == 50 ]]; then
      # single Avro records validated against the registry, right after the plain load of the same round: the
      # machine's drift between the two is as small as it gets
      run_load "Avro 1 KB, schemavalidation=true, 50 connections, round $round" bench/post-avro.lua 50 1 50
      avro_vs_plain+=("$(awk -v a="$rps" -v b="${single_rps[50.$round]}" 'BEGIN {printf "%.2f", a / b}')")
    fi
  done
done
echo "bench: warming up batches (${warmup}s)"
wrk -t2 -c10 -d"${warmup}s" -s bench/batch.lua "https://localhost:$https" > /dev/null
run_load "batch 100 × 1 KB, 10 connections" bench/batch.lua 10 100
echo "bench: warming up Avro batches (${warmup}s)"
wrk -t2 -c10 -d"${warmup}s" -s bench/batch-avro.lua "https://localhost:$https" > /dev/null
run_load "batch 100 × 1 KB Avro (v2, subject, Confluent framing), 10 connections" bench/batch-avro.lua 10 100

# the callers as Kafka users: HTTP Basic is a SCRAM login that the broker verifies, and each user's records go by a
# producer of its own, on the SASL listener where the ACLs decide; the gateway's own login is the super user gateway.
# The kafka.* client properties other than bootstrap.servers are read from the properties files only (a -D of a key
# that no file names is not seen), so they go in a file of this run, added to routes/application.properties
kill $gateway; wait $gateway 2>/dev/null || true
echo "bench: starting the gateway with Kafka identities (SCRAM, ${scram_users} users; heap $heap)"
cat > "$work/kafka-sasl.properties" <<PROPERTIES
kafka.security.protocol = SASL_PLAINTEXT
kafka.sasl.mechanism = SCRAM-SHA-512
kafka.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="gateway" password="$gateway_kafka_password";
PROPERTIES
gateway_args=(-pl "file:routes/application.properties,file:$work/kafka-sasl.properties")
start_gateway "$work/gateway-scram.log" "$cp" -Dgateway.auth.kafka-identity=scram -Dkafka.bootstrap.servers=localhost:$sasl_port
gateway_args=()
export BENCH_SCRAM_USERS=$scram_users
echo "bench: warming up the SCRAM gateway (${warmup}s)"
wrk -t2 -c50 -d"${warmup}s" -s bench/post-scram.lua "https://localhost:$https" > /dev/null
for round in 1 2; do
  run_load "single 1 KB, 50 connections over ${scram_users} SCRAM users, round $round" bench/post-scram.lua 50 1 50
  scram_vs_plain+=("$(awk -v a="$rps" -v b="${single_rps[50.$round]}" 'BEGIN {printf "%.2f", a / b}')")
done

# start-up with an application class-data archive (AppCDS) of this build, as README recommends for deployments: one
# training start writes the archive when it exits, the next start maps it (the archive needs jars on the class path);
# the SCRAM gateway stops first
kill $gateway; wait $gateway 2>/dev/null || true
jars="$(ls "$root"/target/kafka-rest-gateway-*.jar | head -1):$root/target/dependency/*"
start_gateway "$work/gateway-cds-training.log" "$jars" -XX:ArchiveClassesAtExit="$work/gateway.jsa"
wrk -t1 -c4 -d2s -s bench/post.lua "https://localhost:$https" > /dev/null
kill $gateway; wait $gateway 2>/dev/null || true
start_ms=$(date +%s%3N)
start_gateway "$work/gateway-cds.log" "$jars" -XX:SharedArchiveFile="$work/gateway.jsa"
cds_ready_ms=$(( $(date +%s%3N) - start_ms ))
echo "  ready after $cds_ready_ms ms with the AppCDS archive"
kill $gateway; wait $gateway 2>/dev/null || true

machine="$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB"
java_version=$(java -version 2>&1 | head -1)
report=$(cat <<REPORT
# Benchmark $(date -u +%Y-%m-%dT%H:%MZ)

Machine: $machine; $java_version; Apache Camel 4.18.0, Apache Kafka 4.3.1 (broker and clients); gateway heap $heap.
Broker, gateway and load tool share the machine. Runs of ${duration}s after a ${warmup}s warm-up; \`bash bench/run.sh\`.

Raw Kafka producer (ProducerPerformance, 1 KB records, acks=all, idempotent, warm broker): **$raw_rps records/s**,
$raw_mbs MB/s, p50 $raw_p50 ms, p99 $raw_p99 ms.

Floor relay (\`bench/src/main/java/io/github/kafkarestgateway/bench/FloorRelay.java\`: TLS by OpenSSL, bearer-key check,
send, JSON answer; nothing else): **${floor_rps[50]} requests/s** at 50 connections (p99 $(awk -v v="${floor_p99[50]}" 'BEGIN {printf "%.1f", v / 1000}') ms), **${floor_rps[200]}** at 200
(the higher rate and the lower p99 of its two rounds); the gateway's "× floor" compares with these.

Gateway ready $ready_ms ms after start (external broker); $cds_ready_ms ms with an AppCDS archive of the build.

| load | requests/s | records/s | MB/s | p50 ms | p90 ms | p99 ms | errors | CPU µs/request | RSS MB | × raw records/s | × floor requests/s (p99) | records vs 200s |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${rows[@]}")

Avro records validated against the registry (Apicurio Registry 3.3.3 on the same machine; schema
\`bench/bench-order.avsc\`, looked up once and cached): **${avro_vs_plain[0]:-?} / ${avro_vs_plain[1]:-?} ×** the plain
single-record requests/s of the same round at 50 connections (rounds 1 / 2).

SCRAM users (${scram_users}, a producer each): **${scram_vs_plain[0]:-?} / ${scram_vs_plain[1]:-?} ×** the service-ID single-record requests/s at 50 connections (rounds 1 / 2); target ≥ 0.8.

REPORT
)
if [[ "${BENCH_JFR:-0}" == 1 ]]; then
  # the hottest methods (top frames of the CPU samples): where the gateway's CPU goes
  hot=$(jfr print --events jdk.ExecutionSample "$work/gateway.jfr" | grep -A1 'stackTrace = \[' | grep -v 'stackTrace\|--' \
    | sed -E 's/^ +//; s/line:.*//' | sort | uniq -c | sort -rn | head -25)
  report="$report

Hottest methods (JFR CPU samples, top frame):
\`\`\`
$hot
\`\`\`"
fi
if [[ ${#profiles[@]} -gt 0 ]]; then
  report="$report

$(printf '%s\n\n' "${profiles[@]}")"
fi
echo
echo "$report"
file="bench/results/$(date -u +%Y%m%d-%H%M).md"
echo "$report" > "$file"
echo
echo "bench: written to $file"
