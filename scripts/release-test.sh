#!/usr/bin/env bash
# Tests that the release archive is real (docs/releasing.md). Not part of scripts/test.sh: the static release
# build takes about a quarter of an hour on two cores.
#
#   scripts/release-test.sh [VERSION] [--archive FILE] [--output DIR]
#
# Without --archive, runs `scripts/release.sh VERSION` (default VERSION: the source's own, Sources/AutoMail/
# Version.swift, so that the bundles can be compared byte for byte). Then, writing only in DIR (default:
# out/release-test) besides the normal build's .build:
#   - checks the archive against its .sha256 file (which must sit beside it) and unpacks it into an empty
#     folder, and checks the files against the SHA256SUMS inside;
#   - checks with ldd that the binary needs only the C library and the loader;
#   - from another working directory, with an empty environment (env -i), runs the unpacked automail on
#     each workspace-examples/* : `check`, `build`, `verify` and `explain`, and compares what it writes with
#     what the normal build (`swift build`) writes: the bundles byte for byte when the versions agree
#     (otherwise everything but the compiler version and the digest, which covers it);
#   - prints the figures: archive size, unpack time, time of each `check`.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -d /opt/swift/usr/bin && ":$PATH:" != *":/opt/swift/usr/bin:"* ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

version=""
archive=""
output="$root/out/release-test"
while (( $# > 0 )); do
    case "$1" in
        --archive) (( $# >= 2 )) || { echo "usage: scripts/release-test.sh [VERSION] [--archive FILE] [--output DIR]" >&2; exit 2; }
                   archive="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
        --output) (( $# >= 2 )) || { echo "usage: scripts/release-test.sh [VERSION] [--archive FILE] [--output DIR]" >&2; exit 2; }
                  output="$2"; shift 2 ;;
        -*) echo "usage: scripts/release-test.sh [VERSION] [--archive FILE] [--output DIR]" >&2; exit 2 ;;
        *) version="${1#v}"; shift ;;
    esac
done

failures=0
pass() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
expect() { # expect DESCRIPTION COMMAND...: the command succeeds
    local what="$1"; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
now() { date +%s.%N; }
elapsed() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }

mkdir -p "$output"
output="$(cd "$output" && pwd)"

# The normal build: the reference.
(cd "$root" && swift build --product automail >/dev/null)
reference="$(cd "$root" && swift build --show-bin-path)/automail"
reference_version="$("$reference" --version)"
version="${version:-$reference_version}"

if [[ -z "$archive" ]]; then
    start="$(now)"
    archive="$(bash "$root/scripts/release.sh" "$version" --output "$output/release" | tail -n 1)"
    echo "figure: release build and packaging took $(elapsed "$start" "$(now)") s"
fi
name="$(basename "$archive" .tar.gz)"
echo "figure: archive $(basename "$archive"): $(stat -c %s "$archive") bytes"

# The download, as a user checks it: the checksum file beside the archive.
expect "the archive matches its .sha256 file" \
    bash -c 'cd "$(dirname "$1")" && sha256sum --check --strict --quiet "$(basename "$1").sha256"' _ "$archive"

# An empty folder, and another one to run from.
unpacked="$output/unpacked"
elsewhere="$output/elsewhere"
results="$output/results"
rm -rf "$unpacked" "$elsewhere" "$results"
mkdir -p "$unpacked" "$elsewhere" "$results"
start="$(now)"
tar -xzf "$archive" -C "$unpacked"
echo "figure: unpacking took $(elapsed "$start" "$(now)") s"
folder="$unpacked/$name"
automail="$folder/automail"
expect "the archive holds one folder, $name" test "$(ls -A "$unpacked")" = "$name"
for file in automail README.md CHANGELOG.md SHA256SUMS schemas/bundle.schema.json; do
    expect "the archive holds $file" test -f "$folder/$file"
done
if [[ -f "$root/LICENSE" ]]; then
    expect "the archive holds LICENSE" cmp -s "$root/LICENSE" "$folder/LICENSE"
else
    echo "note  the repository has no LICENSE, nor has the archive"
fi
expect "the files match SHA256SUMS" bash -c 'cd "$1" && sha256sum --check --strict --quiet SHA256SUMS' _ "$folder"
expect "the schemas are the repository's" diff -r "$root/schemas" "$folder/schemas"
echo "figure: unpacked binary $(stat -c %s "$automail") bytes"

libraries="$(ldd "$automail" 2>&1 || true)"
echo "$libraries" | sed 's/^/      ldd: /'
unexpected="$(echo "$libraries" | grep -v -E '^\s*(linux-vdso\.so\.1|lib(c|m|pthread|dl|rt|util)\.so\.[0-9]+|(/usr)?/lib(64|/x86_64-linux-gnu)?/ld-linux-x86-64\.so\.2)\b' || true)"
if [[ -z "$unexpected" ]]; then pass "ldd: only the C library and the loader"; else fail "ldd: also $unexpected"; fi

run() { # run NAME COMMAND...: in $elsewhere with an empty environment; stdout, stderr and status into $results
    local label="$1"; shift
    local status=0
    (cd "$elsewhere" && env -i "$@" > "$results/$label.out" 2> "$results/$label.err") || status=$?
    echo "$status" > "$results/$label.status"
}
expect "--version prints $version" test "$(cd "$elsewhere" && env -i "$automail" --version)" = "$version"

same_bundles() { # same_bundles A B: byte for byte, or all but the compiler version and the digest
    if [[ "$version" == "$reference_version" ]]; then
        cmp -s "$1" "$2"
    else
        python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:])
for bundle in (a, b):
    bundle.pop("digest", None)
    bundle["compiler"].pop("version", None)
sys.exit(0 if a == b else 1)
PY
    fi
}

for workspace in "$root"/workspace-examples/*/; do
    workspace="${workspace%/}"
    example="$(basename "$workspace")"
    start="$(now)"
    run "$example.check" "$automail" check "$workspace"
    seconds="$(elapsed "$start" "$(now)")"
    echo "figure: automail check $example took $seconds s (env -i, unpacked archive)"
    expect "$example: check exits 0" test "$(cat "$results/$example.check.status")" = 0
    expect "$example: check is under a second" awk -v s="$seconds" 'BEGIN { exit !(s < 1) }'
    (cd "$elsewhere" && "$reference" check "$workspace" > "$results/$example.check.reference.out" 2> "$results/$example.check.reference.err") || true
    expect "$example: check prints what the normal build prints" \
        cmp -s "$results/$example.check.err" "$results/$example.check.reference.err"

    run "$example.build" "$automail" build "$workspace" --output "$results/$example.bundle.json"
    expect "$example: build exits 0" test "$(cat "$results/$example.build.status")" = 0
    (cd "$elsewhere" && "$reference" build "$workspace" --output "$results/$example.reference.json")
    if [[ "$version" == "$reference_version" ]]; then
        what="byte for byte"
    else
        what="but for the compiler version ($version, not $reference_version) and the digest"
    fi
    expect "$example: the bundle is the normal build's, $what" \
        same_bundles "$results/$example.bundle.json" "$results/$example.reference.json"
    expect "$example: the bundle records compiler $version" \
        grep -q -F "\"version\": \"$version\"" "$results/$example.bundle.json"

    run "$example.verify" "$automail" verify --bundle "$results/$example.bundle.json"
    expect "$example: verify exits 0" test "$(cat "$results/$example.verify.status")" = 0
done

run explain "$automail" explain AM301
expect "explain AM301 exits 0" test "$(cat "$results/explain.status")" = 0
expect "explain AM301 prints what the normal build prints" \
    bash -c 'cmp -s "$1" <("$2" explain AM301)' _ "$results/explain.out" "$reference"
run explain-all "$automail" explain --format json
expect "explain --format json prints what the normal build prints" \
    bash -c 'cmp -s "$1" <("$2" explain --format json)' _ "$results/explain-all.out" "$reference"

if (( failures > 0 )); then
    echo "$failures failed"
    exit 1
fi
echo "all release checks passed"
