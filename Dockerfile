# syntax=docker/dockerfile:1
#
# pigment-export in a small Debian image: the binary, its shared libraries and CA certificates,
# run as a non-root user.
#
#   docker build -t pigment-export .
#   docker run --rm -e PIGMENT_API_KEY pigment-export --block-type metric --block-id ... --dest - > out.csv
#
# The runtime image holds no shell tools beyond Debian slim's and no compiler; its user is 10001:10001
# (numeric, so Kubernetes' runAsNonRoot can verify it). See deploy/ and docs/kubernetes.md.

# ---- build ---------------------------------------------------------------------------------
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        g++ cmake ninja-build pkg-config \
        libcurl4-openssl-dev libssl-dev libcli11-dev nlohmann-json3-dev libspdlog-dev libtomlplusplus-dev \
        libisal-dev libzstd-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the binary is built from (.dockerignore keeps the context to these too).
COPY CMakeLists.txt ./
COPY cmake/ cmake/
COPY include/ include/
COPY src/ src/
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIGMENT_TESTS=OFF \
 && cmake --build /build --target pigment-export \
 && strip /build/pigment-export \
 && /build/pigment-export --version

# ---- runtime -------------------------------------------------------------------------------
FROM debian:bookworm-slim
# The binary links libcurl.so.4 (libcurl4, which brings libssl3 for libcrypto.so.3),
# libspdlog.so.1.10 (libspdlog1.10, which brings libfmt9), libisal.so.2 (libisal2, --compress gzip),
# libzstd.so.1 (libzstd1, --compress zstd) and libstdc++ (already in the base image).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libcurl4 libspdlog1.10 libisal2 libzstd1 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 pigment \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin pigment
COPY --from=build /build/pigment-export /usr/local/bin/pigment-export
USER 10001:10001
WORKDIR /tmp
ENTRYPOINT ["pigment-export"]
CMD ["--help"]
