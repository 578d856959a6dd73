#!/usr/bin/env bash
# Runs the whole benchmark suite (dev.shardraft.runtime.bench.BenchmarkSuite) with default settings,
# or with the options given (docs/BENCHMARKS.md, "Run everything", lists them). Builds first.
# Starts its own LocalKafka unless --bootstrap is given. Run from anywhere; output also goes to
# target/bench-suite-<time>.log in this module.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mvn -B -q install -DskipTests
mvn -B -q -pl shard-runtime/bench dependency:build-classpath -Dmdep.outputFile="$root/shard-runtime/bench/target/bench.cp"
log="shard-runtime/bench/target/bench-suite-$(date -u +%Y%m%dT%H%M%SZ).log"
echo "log: $log"
# BENCH_SUITE_JVM_OPTS: extra options for the suite's own JVM (the client), e.g. a JFR recording.
# shellcheck disable=SC2086
java -Xmx512m -XX:+UseSerialGC ${BENCH_SUITE_JVM_OPTS:-} \
  -cp "shard-runtime/bench/target/classes:$(cat shard-runtime/bench/target/bench.cp)" \
  dev.shardraft.runtime.bench.BenchmarkSuite "$@" 2>&1 | tee "$log"
echo "RESULT lines:"
grep -E '^(RESULT|RATIO)' "$log"
