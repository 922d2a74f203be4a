#!/usr/bin/env bash
# Builds the fuzzer, seeds a target's corpus and runs it for a given time, then prints libFuzzer's summary.
# Usage: scripts/fuzz/run.sh [TARGET=workspace] [SECONDS=60] [extra libFuzzer flags...]
# TARGET: workspace (a workspace through the compiler), bundle (a bundle file through the runtime's
# reader), event (an event through simulate's evaluation, rendering and .eml writer), render (a template
# body through Markdown, Liquid and preview's page); see docs/fuzzing.md.
# Each target keeps its own folder (not committed): .build-fuzz for workspace, .build-fuzz/TARGET for the
# others, with corpus/ (the corpus grows there), seeds/, artifacts/ (crashes, hangs and out-of-memory
# inputs: each one becomes a regression test) and TARGET.dict (Fuzz/dictionaries/common.dict followed by
# the target's own dictionaries), passed as -dict.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=workspace
case "${1:-}" in
    workspace|bundle|event|render) target="$1"; shift ;;
    ''|[0-9]*) ;;
    *) echo "run.sh: unknown target \`$1\` (workspace, bundle, event or render)" >&2; exit 2 ;;
esac
seconds="${1:-60}"
shift || true
binary="$(scripts/fuzz/build.sh)"
folder=.build-fuzz
[[ "$target" != workspace ]] && folder=".build-fuzz/$target"
mkdir -p "$folder/corpus" "$folder/artifacts" "$folder/seeds"
python3 scripts/fuzz/make-corpus.py "$folder/seeds" "$target"
dictionaries=(Fuzz/dictionaries/common.dict)
case "$target" in
    workspace) dictionaries+=(Fuzz/dictionaries/workspace.dict) ;;
    bundle) dictionaries+=(Fuzz/dictionaries/json.dict Fuzz/dictionaries/bundle.dict) ;;
    event) dictionaries+=(Fuzz/dictionaries/json.dict Fuzz/dictionaries/event.dict) ;;
    render) dictionaries+=(Fuzz/dictionaries/render.dict) ;;
esac
cat "${dictionaries[@]}" >"$folder/$target.dict"
# The bundle seeds reach 87 KB (the golden bundles), read whole.
max_len=65536
[[ "$target" == bundle ]] && max_len=131072
# The runtime targets keep parsed bundles and a key from start-up, in Swift enums whose pointers carry tag
# bits LeakSanitizer does not read as pointers: it reports them as leaked at exit. Leaks are not what these
# targets look for (a growing memory is, by -rss_limit_mb), so leak detection is off for them.
leaks=()
[[ "$target" != workspace ]] && leaks=(-detect_leaks=0) && export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# -timeout: one input taking over 10 s is a hang. -rss_limit_mb: over 2 GiB is a memory blow-up.
AUTOMAIL_FUZZ_TARGET="$target" exec "$binary" "$folder/corpus" "$folder/seeds" \
    -dict="$folder/$target.dict" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -artifact_prefix="$folder/artifacts/" -print_final_stats=1 ${leaks[@]+"${leaks[@]}"} "$@"
