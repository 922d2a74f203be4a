#!/usr/bin/env bash
# Builds the fuzzer, seeds its corpus and runs it for a given time, then prints libFuzzer's summary.
# Usage: scripts/fuzz/run.sh [SECONDS=60] [extra libFuzzer flags...]
# The corpus grows in .build-fuzz/corpus (not committed); crashes, hangs and out-of-memory inputs land
# in .build-fuzz/artifacts: each one becomes a regression test in Tests/AutoMailTests/FuzzRegressionTests.swift.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
shift || true
binary="$(scripts/fuzz/build.sh)"
mkdir -p .build-fuzz/corpus .build-fuzz/artifacts .build-fuzz/seeds
python3 scripts/fuzz/make-corpus.py .build-fuzz/seeds
# -timeout: one input taking over 10 s is a hang. -rss_limit_mb: over 2 GiB is a memory blow-up.
exec "$binary" .build-fuzz/corpus .build-fuzz/seeds \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix=.build-fuzz/artifacts/ -print_final_stats=1 "$@"
