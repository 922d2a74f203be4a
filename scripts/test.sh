#!/usr/bin/env bash
# Builds automail and runs every test: Swift (Swift Testing) then the schema checks of the example
# workspaces. Installs what is missing first, so a fresh machine or CI needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -d /opt/swift/usr/bin && ":$PATH:" != *":/opt/swift/usr/bin:"* ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

# libyaml: the YAML parser the compiler links (Package.swift's CLibYAML, pkg-config `yaml-0.1`).
if ! pkg-config --exists yaml-0.1 2>/dev/null; then
    if [[ "$(id -u)" == 0 ]]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y libyaml-dev pkg-config
    else
        echo "test.sh: libyaml is missing: run 'sudo apt-get install -y libyaml-dev pkg-config'" >&2
        exit 1
    fi
fi

# openssl: the signing tests check that OpenSSL reads automail's keys and verifies its signatures.
if ! command -v openssl >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y openssl
    else
        echo "test.sh: openssl is missing: run 'sudo apt-get install -y openssl'" >&2
        exit 1
    fi
fi

# ruby and ruby-liquid (Shopify's Liquid 5.4): the second independent sender, conformance/ruby-sender/.
if ! command -v ruby >/dev/null 2>&1 || ! ruby -e 'require "liquid"' >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y ruby ruby-liquid
    else
        echo "test.sh: ruby or ruby-liquid is missing: run 'sudo apt-get install -y ruby ruby-liquid'" >&2
        exit 1
    fi
fi

# Python test tools: python-liquid (Liquid reference outputs), jsonschema and PyYAML (schema checks),
# sarif-tools (a real SARIF reader the SARIF output must satisfy, besides the OASIS schema), cryptography
# (signed bundles verified as another language would), pre-commit (the hook definition in
# .pre-commit-hooks.yaml is run through it), cmarkgfm (GitHub's Markdown reader, for the `diff --format
# markdown` comment).
python_packages=()
python3 -c 'import liquid' 2>/dev/null || python_packages+=(python-liquid)
python3 -c 'import sarif.loader' 2>/dev/null || python_packages+=(sarif-tools)
python3 -c 'import jsonschema' 2>/dev/null || python_packages+=(jsonschema)
python3 -c 'import yaml' 2>/dev/null || python_packages+=(pyyaml)
python3 -c 'import cryptography' 2>/dev/null || python_packages+=(cryptography)
python3 -c 'import pre_commit' 2>/dev/null || python_packages+=(pre-commit)
python3 -c 'import cmarkgfm' 2>/dev/null || python_packages+=(cmarkgfm)
if (( ${#python_packages[@]} > 0 )); then
    python3 -m pip install --quiet "${python_packages[@]}" \
        || python3 -m pip install --quiet --break-system-packages "${python_packages[@]}"
fi

# cmark-gfm: only the benchmark floor (Benchmarks/) links it; the product never does.
if ! pkg-config --exists libcmark-gfm 2>/dev/null; then
    if [[ "$(id -u)" == 0 ]]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y libcmark-gfm-dev
    else
        echo "test.sh: cmark-gfm is missing: run 'sudo apt-get install -y libcmark-gfm-dev'" >&2
        exit 1
    fi
fi

# Browser tests: headless Chromium and its driver (Debian), selenium and html5lib (PyPI).
# Tests/CLITests/BrowserTests.swift opens the examples' emails and review pages in a real browser and fails,
# never skips, when these are missing.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
    else
        echo "test.sh: chromium is missing: run 'sudo apt-get install -y chromium chromium-driver'" >&2
        exit 1
    fi
fi
browser_packages=()
python3 -c 'import selenium' 2>/dev/null || browser_packages+=(selenium)
python3 -c 'import html5lib' 2>/dev/null || browser_packages+=(html5lib)
if (( ${#browser_packages[@]} > 0 )); then
    python3 -m pip install --quiet "${browser_packages[@]}" \
        || python3 -m pip install --quiet --break-system-packages "${browser_packages[@]}"
fi

# Formatting: the whole tree follows .swift-format (CONTRIBUTING.md, "Formatting"); swift-format ships with
# the toolchain. Any finding fails the run before the build starts.
swift format lint --strict --configuration .swift-format -r --parallel \
    Sources Tests Benchmarks/Sources Benchmarks/Package.swift Fuzz/Sources Fuzz/Package.swift Package.swift

swift build
swift test

# The benchmark floor (BENCHMARKS.md) still compiles and renders every body of the examples: compiled
# with the C compiler alone (a second Swift build of the Benchmarks package would take minutes).
floor_dir="$(mktemp -d)"
trap 'rm -rf "$floor_dir"' EXIT
cc -O2 -Wall -Werror -IBenchmarks/Sources/PipelineFloor/include Benchmarks/Sources/PipelineFloor/pipeline_floor.c \
    Benchmarks/Sources/automail-floor/main.c -lcmark-gfm -lyaml -o "$floor_dir/automail-floor"
for workspace in workspace-examples/*/; do
    "$floor_dir/automail-floor" "$workspace" --runs 1 | grep -q ' bodies: '
done

# The vendored time zone table (Sources/AutoMail/TimeZones/TimeZoneData.swift) is exactly what its generator
# makes from the pinned PyPI tzdata: nobody edited it by hand and the pin was not changed without it.
# The pinned tzdata goes into a folder of its own, never into the machine's Python.
tzdata_pin="$(sed -n 's/^PINNED = "\(.*\)"$/\1/p' scripts/tz/generate.py)"
tzdata_dir="${XDG_CACHE_HOME:-$HOME/.cache}/automail-tests/tzdata-$tzdata_pin"
if [[ ! -f "$tzdata_dir/tzdata/__init__.py" ]]; then
    python3 -m pip install --quiet --target "$tzdata_dir" "tzdata==$tzdata_pin"
fi
PYTHONPATH="$tzdata_dir" python3 scripts/tz/generate.py --check

if [[ -f scripts/schemas/validate.py ]]; then
    shopt -s nullglob
    workspaces=(workspace-examples/*/)
    shopt -u nullglob
    if (( ${#workspaces[@]} > 0 )); then
        python3 scripts/schemas/validate.py --workspace "${workspaces[@]}"
    fi
fi
