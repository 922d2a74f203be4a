#!/usr/bin/env bash
# The `automail-check` pre-commit hook (.pre-commit-hooks.yaml): `automail check ARGS`, with the release
# archive of the tag that pre-commit checked this repository out at (`rev: v0.1.0` runs automail 0.1.0).
# The first run downloads it from the repository pre-commit cloned (its releases), checks its SHA-256 and
# unpacks it beside this script, in pre-commit's cache (scripts/install-release.sh); later runs use it.
#
#   scripts/pre-commit-hook.sh [--automail-version VERSION] ARGS...
#
# --automail-version names the release when `rev:` is not a tag (a commit, with `pre-commit autoupdate
# --freeze`).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
say() { echo "automail pre-commit hook: $*" >&2; }

version=""
if [[ "${1:-}" == "--automail-version" ]]; then
    if (( $# < 2 )); then say "--automail-version needs a version"; exit 2; fi
    version="$2"
    shift 2
fi
if [[ -z "$version" ]]; then
    # A full clone has the tag; pre-commit's shallow fetch of a tag names it in FETCH_HEAD only.
    version="$(git -C "$here" describe --tags --exact-match HEAD 2>/dev/null || true)"
    fetch_head="$(cd "$here" && realpath -m "$(git rev-parse --git-path FETCH_HEAD)")"
    if [[ -z "$version" && -f "$fetch_head" ]]; then
        head="$(git -C "$here" rev-parse HEAD)"
        # Lines `OBJECT<TAB><TAB>tag 'v0.1.0' of URL`; an annotated tag's object is the tag, not the commit.
        while IFS=$'\t' read -r object what; do
            if [[ "$what" == "tag '"* && "$(git -C "$here" rev-parse --verify --quiet "$object^{commit}" || true)" == "$head" ]]; then
                version="${what#tag \'}"
                version="${version%%\'*}"
                break
            fi
        done < "$fetch_head"
    fi
fi
version="${version#v}"
if [[ -z "$version" ]]; then
    say "rev: in .pre-commit-config.yaml is not a release tag such as v0.1.0; use one, or add args: [--automail-version, 0.1.0, ...]"
    exit 2
fi

# The repository pre-commit cloned: its releases hold the archives.
repository="$(git -C "$here" remote get-url origin)"
if [[ "$repository" =~ ^git@([^:]+):(.+)$ ]]; then
    repository="https://${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
fi
repository="${repository%/}"
repository="${repository%.git}"

dist="$here/.automail-release"
folder="$dist/automail-${version}-linux-x86_64"
if [[ ! -x "$folder/automail" ]]; then
    bash "$here/scripts/install-release.sh" --repository "$repository" --version "$version" --into "$dist" >/dev/null
fi
exec "$folder/automail" check "$@"
