# syntax=docker/dockerfile:1
# automail as a container image, for CI systems that run each job in an image (docs/releasing.md).
#
#   docker build --build-arg AUTOMAIL_VERSION=0.1.0 -t automail:0.1.0 .
#   docker run --rm -v "$PWD:/work" automail:0.1.0 check campaign
#
# Built on the official Swift image with scripts/release.sh, the build of the release archives (Swift,
# Foundation, libyaml and libstdc++ linked statically), for linux/amd64 like them; the image that runs it
# is a slim Debian of the same release holding only the binary. AUTOMAIL_VERSION (default: the source's
# own, Sources/AutoMail/Version.swift) is what `automail --version` prints and every bundle records.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libyaml-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG AUTOMAIL_VERSION=
RUN version="${AUTOMAIL_VERSION:-$(sed -n -E 's/^    public static let version = "(.*)"$/\1/p' Sources/AutoMail/Version.swift)}" \
    && bash scripts/release.sh "$version" --from-tree --output /release \
    && mkdir /staging \
    && tar -xzf "/release/automail-${version#v}-linux-x86_64.tar.gz" -C /staging --strip-components=1

FROM ${RUNTIME_IMAGE}
COPY --from=build /staging/automail /usr/local/bin/automail
WORKDIR /work
ENTRYPOINT ["automail"]
CMD ["--help"]
