#!/usr/bin/env bash
# Installs an automail release archive: downloads it, checks its SHA-256, unpacks it. Used by the GitHub
# Action (action.yml) and the pre-commit hook (scripts/pre-commit-hook.sh); docs/integration.md.
#
#   scripts/install-release.sh --repository URL --version VERSION --into DIR [--sha256 HEX]
#
# Downloads URL/releases/download/vVERSION/automail-VERSION-linux-x86_64.tar.gz into DIR (unless DIR
# already holds it, as a cache restores it) and checks it against HEX, or else against the .sha256 file
# published beside it; any mismatch, a missing or malformed checksum, or a failed download stops with
# exit 1 before anything is unpacked. Then unpacks it into DIR/automail-VERSION-linux-x86_64/, checks the
# files against the SHA256SUMS inside, and prints that folder's path, which holds `automail`.
# Archives exist for Linux x86_64 only: elsewhere it says how to build from source and exits 1.
set -euo pipefail

usage() {
    echo "usage: install-release.sh --repository URL --version VERSION --into DIR [--sha256 HEX]" >&2
    exit 2
}
repository=""
version=""
into=""
expected=""
while (( $# > 0 )); do
    (( $# >= 2 )) || usage
    case "$1" in
        --repository) repository="${2%/}" ;;
        --version) version="${2#v}" ;;
        --into) into="$2" ;;
        --sha256) expected="$2" ;;
        *) usage ;;
    esac
    shift 2
done
[[ -n "$repository" && -n "$version" && -n "$into" ]] || usage
say() { echo "automail install: $*" >&2; }

if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
    say "release archives are for Linux x86_64, not $(uname -s) $(uname -m): build automail from source instead (swift build -c release, with libyaml installed; see the README)"
    exit 1
fi
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'
if [[ ! "$version" =~ $semver ]]; then
    say "'$version' is not a release version such as 0.1.0"
    exit 1
fi

name="automail-$version-linux-x86_64"
url="$repository/releases/download/v$version/$name.tar.gz"
mkdir -p "$into"
into="$(cd "$into" && pwd)"
archive="$into/$name.tar.gz"
scratch="$(mktemp -d "$into/.install.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

download() { # download URL FILE
    curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
}

if [[ -z "$expected" ]]; then
    download "$url.sha256" "$scratch/published.sha256" || { say "cannot download $url.sha256"; exit 1; }
    expected="$(head -c 200 "$scratch/published.sha256" | tr -d '\r')"
    expected="${expected%%$'\n'*}"
    if [[ "$expected" != *"  $name.tar.gz" ]]; then
        say "$url.sha256 is not the checksum of $name.tar.gz"
        exit 1
    fi
    expected="${expected%%  *}"
fi
if [[ ! "$expected" =~ ^[0-9a-f]{64}$ ]]; then
    say "the expected SHA-256 '$expected' is not 64 lowercase hexadecimal digits"
    exit 1
fi
echo "$expected  $name.tar.gz" > "$scratch/expected.sha256"

if [[ -f "$archive" ]] && (cd "$into" && sha256sum --check --strict --status "$scratch/expected.sha256"); then
    say "using the archive already in $into (checksum verified)"
else
    download "$url" "$scratch/$name.tar.gz" || { say "cannot download $url"; exit 1; }
    if ! (cd "$scratch" && sha256sum --check --strict --status expected.sha256); then
        say "$name.tar.gz does not match its SHA-256 ($expected): not installed"
        exit 1
    fi
    mv -f "$scratch/$name.tar.gz" "$archive"
fi

mkdir "$scratch/unpacked"
tar -xzf "$archive" -C "$scratch/unpacked"
if [[ ! -x "$scratch/unpacked/$name/automail" ]] \
    || ! (cd "$scratch/unpacked/$name" && sha256sum --check --strict --status SHA256SUMS); then
    say "$name.tar.gz does not hold $name/automail with its files as SHA256SUMS lists them"
    exit 1
fi
rm -rf "${into:?}/$name"
mv "$scratch/unpacked/$name" "$into/$name"
echo "$into/$name"
