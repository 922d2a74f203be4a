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
swift build --package-path Fuzz -c release \
    -Xswiftc "-sanitize=$sanitizers" -Xswiftc -parse-as-library >&2
echo "$(swift build --package-path Fuzz -c release --show-bin-path \
    -Xswiftc "-sanitize=$sanitizers" -Xswiftc -parse-as-library)/AutomailFuzz"
