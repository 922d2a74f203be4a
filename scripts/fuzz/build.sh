#!/usr/bin/env bash
# Builds the libFuzzer target (Fuzz/) with the fuzzer and address sanitizers, in release mode.
# Prints the path of the fuzzer binary. Usage: scripts/fuzz/build.sh [--no-asan]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -d /opt/swift/usr/bin && ":$PATH:" != *":/opt/swift/usr/bin:"* ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
sanitizers="fuzzer,address"
[[ "${1:-}" == "--no-asan" ]] && sanitizers="fuzzer"
# A build plan SwiftPM kept from an earlier build does not see a source file added to the main package
# since (the package is a path dependency): drop it, so the plan is made anew (seconds, not a rebuild).
rm -f Fuzz/.build/release.yaml Fuzz/.build/release/description.json
swift build --package-path Fuzz -c release \
    -Xswiftc "-sanitize=$sanitizers" -Xswiftc -parse-as-library >&2
echo "$(swift build --package-path Fuzz -c release --show-bin-path \
    -Xswiftc "-sanitize=$sanitizers" -Xswiftc -parse-as-library)/AutomailFuzz"
