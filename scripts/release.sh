#!/usr/bin/env bash
# Makes automail's relocatable release archive for Linux x86_64 (docs/releasing.md).
#
#   scripts/release.sh VERSION [--output DIR] [--from-tree]
#   scripts/release.sh VERSION --binary PATH [--output DIR]
#
# VERSION is the release's version, `1.2.0` or the tag `v1.2.0`. The script exports the committed source
# (HEAD, without uncommitted changes) into DIR/.work-VERSION, writes VERSION into that copy's
# Sources/AutoMail/Version.swift (what `automail --version` prints and every bundle records), and builds it
# with `swift build -c release --static-swift-stdlib`, linking the static libyaml (libyaml.a from Debian's
# libyaml-dev) and libstdc++: the binary needs neither Swift nor libyaml, only the C library and the loader,
# which it checks with ldd. The working tree, its .build and the normal build's flags are left alone.
#
# It writes, in DIR (default: out/release), and nowhere else but SwiftPM's download cache:
#   automail-VERSION-linux-x86_64.tar.gz          a folder automail-VERSION-linux-x86_64/ holding
#                                                 automail, schemas/, README.md, CHANGELOG.md, LICENSE
#                                                 (when the repository has one) and SHA256SUMS
#   automail-VERSION-linux-x86_64.tar.gz.sha256   the archive's SHA-256, as `sha256sum -c` reads it
#
# --from-tree builds the files of the working tree as they are instead of HEAD (the Dockerfile's build,
# whose context has no .git). --binary PATH packages an automail already built instead (no build, no ldd
# check; the binary reports its own version): the recipe tests make an archive of the debug build this way.
# The packing is deterministic: sorted names, owner 0, every date the commit's (or SOURCE_DATE_EPOCH).
set -euo pipefail

usage() {
    echo "usage: scripts/release.sh VERSION [--output DIR] [--from-tree | --binary PATH]" >&2
    exit 2
}

root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -d /opt/swift/usr/bin && ":$PATH:" != *":/opt/swift/usr/bin:"* ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

(( $# >= 1 )) || usage
version="${1#v}"
shift
output="$root/out/release"
binary=""
from_tree=false
while (( $# > 0 )); do
    case "$1" in
        --from-tree) from_tree=true; shift ;;
        --output) (( $# >= 2 )) || usage; output="$2"; shift 2 ;;
        --binary) (( $# >= 2 )) || usage; binary="$2"; shift 2 ;;
        *) usage ;;
    esac
done

# A semantic version (https://semver.org): also what makes it safe inside a Swift string literal.
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'
if [[ ! "$version" =~ $semver ]]; then
    echo "release.sh: '$version' is not a version such as 1.2.0 or v1.2.0" >&2
    exit 2
fi

platform="linux-x86_64"
name="automail-$version-$platform"
mkdir -p "$output"
output="$(cd "$output" && pwd)"
work="$output/.work-$version"
rm -rf "$work"
mkdir -p "$work"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

say() { echo "release.sh: $*" >&2; }

if [[ -z "$binary" ]]; then
    if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
        say "archives are made on Linux x86_64 (this is $(uname -s)/$(uname -m)); elsewhere build from source: swift build -c release"
        exit 1
    fi
    # The committed source (or the tree as it is), with the release's version in its one version line.
    source="$work/src"
    mkdir -p "$source"
    if [[ "$from_tree" == true ]]; then
        excluded=(--exclude=./.git --exclude='./.build*' --exclude=./out --exclude=./.swiftpm)
        if [[ "$output" == "$root"/* ]]; then excluded+=(--exclude="./${output#"$root"/}"); fi
        tar -C "$root" "${excluded[@]}" -cf - . | tar -x -C "$source"
    else
        if [[ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]]; then
            say "note: uncommitted changes are not in the release, which is built from HEAD ($(git -C "$root" rev-parse --short HEAD))"
        fi
        git -C "$root" archive --format=tar HEAD | tar -x -C "$source"
    fi
    version_file="$source/Sources/AutoMail/Version.swift"
    version_line='^    public static let version = "[^"]*"$'
    if [[ "$(grep -c -E "$version_line" "$version_file")" != 1 ]]; then
        say "expected one line 'public static let version = \"…\"' in Sources/AutoMail/Version.swift"
        exit 1
    fi
    sed -E -i "s/$version_line/    public static let version = \"$version\"/" "$version_file"
    grep -q -F "    public static let version = \"$version\"" "$version_file"
    # The dependency versions of the normal build, when it has resolved them.
    if [[ -f "$root/Package.resolved" ]]; then
        cp "$root/Package.resolved" "$source/Package.resolved"
    fi

    # Static libraries, for what would otherwise be shared ones a machine without Swift may lack. CLibYAML
    # asks pkg-config for `yaml-0.1`: a yaml-0.1.pc of the release's own, first on PKG_CONFIG_PATH, points
    # the linker at a folder holding only libyaml.a, so -lyaml takes it (the normal build still reads the
    # system's yaml-0.1.pc and links libyaml.so). The same folder holds libstdc++.a, which the Swift
    # runtime's -lstdc++ then takes, and -static-libgcc links libgcc's unwinder in.
    static_libs="$work/static-libs"
    mkdir -p "$static_libs" "$work/pkgconfig"
    yaml_libdir="$(pkg-config --variable=libdir yaml-0.1 2>/dev/null || true)"
    for library in "$yaml_libdir/libyaml.a" "$(clang -print-file-name=libstdc++.a 2>/dev/null || true)"; do
        if [[ "$library" != /* || ! -f "$library" ]]; then
            say "a static library is missing ($library): install libyaml-dev, and g++ for libstdc++.a"
            exit 1
        fi
        ln -s "$library" "$static_libs/$(basename "$library")"
    done
    cat > "$work/pkgconfig/yaml-0.1.pc" <<PC
Name: yaml
Description: libyaml, linked statically by scripts/release.sh
Version: $(pkg-config --modversion yaml-0.1)
Cflags: $(pkg-config --cflags yaml-0.1)
Libs: -L$static_libs -lyaml
PC
    export PKG_CONFIG_PATH="$work/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

    build=(swift build -c release --static-swift-stdlib --package-path "$source" --scratch-path "$work/build"
           --product automail -Xswiftc -Xclang-linker -Xswiftc -static-libgcc)
    say "building $version: ${build[*]}"
    start=$SECONDS
    "${build[@]}"
    say "built in $((SECONDS - start)) s"
    binary="$("${build[@]}" --show-bin-path)/automail"

    # What the binary needs at run time: the C library and the loader, nothing of Swift or libyaml.
    libraries="$(ldd "$binary")"
    echo "$libraries" >&2
    unexpected="$(echo "$libraries" | grep -v -E '^\s*(linux-vdso\.so\.1|lib(c|m|pthread|dl|rt|util)\.so\.[0-9]+|/lib(64)?/ld-linux-x86-64\.so\.2|/lib/x86_64-linux-gnu/ld-linux-x86-64\.so\.2)\b' || true)"
    if [[ -n "$unexpected" ]]; then
        say "the binary needs libraries a machine without Swift or libyaml lacks:"
        echo "$unexpected" >&2
        exit 1
    fi
    reported="$("$binary" --version)"
    if [[ "$reported" != "$version" ]]; then
        say "the binary reports version '$reported', not '$version'"
        exit 1
    fi
    epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct HEAD 2>/dev/null || echo 0)}"
    content="$source"
else
    if [[ ! -x "$binary" ]]; then
        say "--binary $binary is not an executable file"
        exit 1
    fi
    epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct HEAD 2>/dev/null || echo 0)}"
    content="$root"
fi

# The folder in the archive.
stage="$work/stage/$name"
mkdir -p "$stage"
cp "$binary" "$stage/automail"
strip "$stage/automail" 2>/dev/null || true
chmod 0755 "$stage/automail"
cp -R "$content/schemas" "$stage/schemas"
cp "$content/README.md" "$stage/README.md"
if [[ -f "$content/CHANGELOG.md" ]]; then cp "$content/CHANGELOG.md" "$stage/CHANGELOG.md"; fi
if [[ -f "$content/LICENSE" ]]; then
    cp "$content/LICENSE" "$stage/LICENSE"
else
    say "note: the repository has no LICENSE file, so the archive has none"
fi
(cd "$stage" && find . -type f ! -name SHA256SUMS | LC_ALL=C sort | sed 's|^\./||' | xargs -d '\n' sha256sum > SHA256SUMS)
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -name automail -exec chmod 0644 {} +

archive="$output/$name.tar.gz"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
    -C "$work/stage" -cf - "$name" | gzip -n -9 > "$archive.partial"
mv "$archive.partial" "$archive"
(cd "$output" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
say "wrote $archive ($(stat -c %s "$archive") bytes) and $name.tar.gz.sha256"
echo "$archive"
