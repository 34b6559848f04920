#!/usr/bin/env bash
# A/B of two builds of the gateway on this machine: bash bench/ab.sh <checkout A> <checkout B>
# (e.g. a `git worktree` of the base commit and this tree). Both gateways run at once on one broker, in the
# production settings of bench/run.sh; single-record loads alternate A B B A (ROUNDS times), so that the machine's
# drift and the order of the loads hit both alike (run one after the other, the second looked 15 % worse on the same
# code). Prints requests/s, CPU µs per request and p99 µs of each load, and the means. Settings: ROUNDS (default 3),
# CONNS (50), DUR (s per load, 15), WARM (s, 25), A_OPTS / B_OPTS (JVM options of one side, e.g.
# -Dgateway.http.event-loops=2 to compare settings on one build), A_SCRAM_USERS / B_SCRAM_USERS (N > 0: that side runs
# gateway.auth.kafka-identity=scram on the broker's SASL listener, and its loads send HTTP Basic of N Kafka users in
# turn, as the SCRAM row of bench/run.sh does), PROFILE=1 (async-profiler's CPU samples of each side's first load in
# the last round: the hottest methods in µs per request, and the collapsed stacks in bench/target/ab/profile-*.collapsed;
# PROFILE_OPTS=threads adds more async-profiler options, e.g. a frame per thread), FLOOR=1 (the floor relay of
# bench/run.sh as a third side F, its loads between A's and B's: A B F F B A, so that each side is also seen against
# the floor in one run).
# Needs bench/target/tools (bash bench/run.sh once).
set -euo pipefail
A=$(cd "$1" && pwd); B=$(cd "$2" && pwd); rounds=${ROUNDS:-3}; conns=${CONNS:-50}; dur=${DUR:-15}; warm=${WARM:-25}
cd "$(dirname "$0")/.."
# mvn -q still prints ANSI reset codes without a line break, on stdout and stderr: stripped from both, so that no
# result line starts with them
for dir in "$A" "$B"; do (cd "$dir" && mvn -q -B -DskipTests package 2>&1 | sed 's/\x1b\[[0-9;]*m//g'); done
work=$PWD/bench/target/ab; rm -rf $work; mkdir -p $work
port=19092; controller=19093; sasl_port=19094
scram_users=$(( ${A_SCRAM_USERS:-0} > ${B_SCRAM_USERS:-0} ? ${A_SCRAM_USERS:-0} : ${B_SCRAM_USERS:-0} ))
pids=(); cleanup() { for p in "${pids[@]}"; do kill $p 2>/dev/null||true; done; wait 2>/dev/null||true; }; trap cleanup EXIT
tools="$PWD/bench/target/tools/*"
java -Xms1g -Xmx1g -cp "$A/target/classes:$A/target/dependency/*" io.github.kafkarestgateway.kafka.EmbeddedKafka "$work/kafka" $port $controller $sasl_port > "$work/broker.log" 2>&1 & pids+=($!)
until grep -q "broker ready" $work/broker.log; do sleep 1; done
java -cp "$tools" org.apache.kafka.tools.TopicCommand --bootstrap-server localhost:$port --create --topic bench --partitions 1 --replication-factor 1 >/dev/null
if (( scram_users > 0 )); then
  java -cp "$PWD/bench/target/classes:$tools" io.github.kafkarestgateway.bench.ScramUsers localhost:$port bench $scram_users ab-gateway-pw >/dev/null
  cat > $work/kafka-sasl.properties <<PROPERTIES
kafka.security.protocol = SASL_PLAINTEXT
kafka.sasl.mechanism = SCRAM-SHA-512
kafka.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="gateway" password="ab-gateway-pw";
PROPERTIES
fi
users() { eval echo "\${${1}_SCRAM_USERS:-0}"; }
port_of() { case $1 in A) echo 19443;; B) echo 19444;; F) echo 19447;; esac; }
sides=(A B); order=(A B B A)
if [[ "${FLOOR:-0}" == 1 ]]; then sides=(A B F); order=(A B F F B A); fi
script() { if (( $(users $1) > 0 )); then echo bench/post-scram.lua; else echo bench/post.lua; fi; }
# the JVM settings of the run command (pom.xml, gateway.jvm-options), as bench/run.sh uses them
read -ra jvm <<< "$(sed -n 's:.*<gateway.jvm-options>\(-[^<]*\)</gateway.jvm-options>.*:\1:p' pom.xml | head -1)"
key=$(java -cp "$A/target/classes:$A/target/dependency/*" io.github.kafkarestgateway.auth.CredentialsTool create --name bench --role writer --topic bench --keys-file $work/keys.json | sed -n 's/.*stored): //p')
export BENCH_API_KEY=$key BENCH_TOPIC=bench
declare -A gpid requests_of
for side in A B; do
  dir=${!side}; p=$([[ $side == A ]] && echo 19443 || echo 19444); mp=$([[ $side == A ]] && echo 19445 || echo 19446)
  identity=(); args=()
  if (( $(users $side) > 0 )); then
    identity=(-Dgateway.auth.kafka-identity=scram -Dkafka.bootstrap.servers=localhost:$sasl_port)
    args=(-pl "file:$dir/routes/application.properties,file:$work/kafka-sasl.properties")
  fi
  (cd $dir && MALLOC_ARENA_MAX=2 exec java "${jvm[@]}" ${GW_OPTS:-} $(eval echo \${${side}_OPTS:-}) -cp "$dir/target/classes:$dir/target/dependency/*" -Dkafka.bootstrap.servers=localhost:$port -Dgateway.http.port=$p \
    -Dgateway.auth.keys-file=$work/keys.json -Dgateway.auth.create-dev-key=false -Dgateway.dead-letter.journal=$work/dl-$side/journal.jsonl \
    "${identity[@]}" io.github.kafkarestgateway.GatewayMain "${args[@]}" > $work/gateway-$side.log 2>&1) & gpid[$side]=$!; pids+=($!)
done
if [[ "${FLOOR:-0}" == 1 ]]; then
  # as bench/run.sh starts it: the same JVM settings and key store, on A's class path
  MALLOC_ARENA_MAX=2 java "${jvm[@]}" -cp "$PWD/bench/target/classes:$A/target/classes:$A/target/dependency/*" io.github.kafkarestgateway.bench.FloorRelay \
    $(port_of F) localhost:$port "$PWD/certs/server.p12" > $work/relay.log 2>&1 & gpid[F]=$!; pids+=($!)
  until grep -qs "floor relay ready" $work/relay.log; do sleep 0.2; done
fi
for side in A B; do p=$(port_of $side); until curl -skf https://localhost:$p/ready >/dev/null 2>&1; do sleep 0.2; done; done
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
root=$PWD; . bench/profiler.sh
profiler=""
if [[ "${PROFILE:-0}" == 1 ]]; then profiler_setup $work; fi
load() { # side [profile]
  local p=$(port_of $1) g=${gpid[$1]}
  [[ -z "${2:-}" ]] || profiler_command $g "start,event=cpu,interval=1ms${PROFILE_OPTS:+,$PROFILE_OPTS}"
  local b=$(cpu $g); out=$(BENCH_SCRAM_USERS=$(users $1) wrk -t2 -c$conns -d${dur}s --timeout 10s -s $(script $1) https://localhost:$p); local a=$(cpu $g)
  [[ -z "${2:-}" ]] || profiler_command $g "stop,file=$work/profile-$1.collapsed,collapsed"
  line=$(echo "$out" | grep '^RESULT'); ok=$(echo "$line" | sed -E 's/.* ok=([0-9]+).*/\1/'); us=$(echo "$line" | sed -E 's/.* duration_us=([0-9]+).*/\1/'); p99=$(echo "$line" | sed -E 's/.* p99_us=([0-9]+).*/\1/')
  echo "$1 $(awk -v n=$ok -v u=$us 'BEGIN{printf "%.0f", n/(u/1e6)}') $(awk -v d=$((a-b)) -v n=$ok 'BEGIN{printf "%.1f", d/100*1e6/n}') $p99"
}
for side in "${sides[@]}"; do p=$(port_of $side); BENCH_SCRAM_USERS=$(users $side) wrk -t2 -c50 -d${warm}s -s $(script $side) https://localhost:$p >/dev/null; done
res=()
# in the last round, each side's first load is profiled
for r in $(seq 1 $rounds); do for s in "${order[@]}"; do
  sleep 3; profile=""; if [[ -n "$profiler" && $r == "$rounds" ]] && ! [[ -f $work/profile-$s.collapsed ]]; then profile=1; fi
  res+=("$(load $s $profile)")
  [[ -z "$profile" ]] || requests_of[$s]=$(echo "${res[-1]}" | awk -v d=$dur '{printf "%.0f", $2 * d}')
done; done
printf '%s\n' "${res[@]}" | awk '{n[$1]++; rps[$1]+=$2; cpu[$1]+=$3; print "  " $0} END {for (s in n) printf "%s mean: %.0f req/s, %.1f us/req\n", s, rps[s]/n[s], cpu[s]/n[s]
  if (n["F"]) for (s in n) if (s != "F") printf "%s x floor: %.3f req/s, %.2f CPU per request\n", s, (rps[s]/n[s])/(rps["F"]/n["F"]), (cpu[s]/n[s])/(cpu["F"]/n["F"])}'
for s in "${sides[@]}"; do
  [[ -f $work/profile-$s.collapsed ]] || continue
  echo "$s: hottest methods (async-profiler, CPU every 1 ms, self time in µs per request)"
  profile_top $work/profile-$s.collapsed "${requests_of[$s]}"
done
