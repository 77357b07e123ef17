# book-server as a container image: built in release mode on the official Swift image, run on a slim
# Ubuntu as a non-root user, configured only through the environment (see .env.example, docs/deploy.md).
#
#   docker build --build-arg SWIFT_VERSION="$(cat .swift-version)" -t book-server .
#
# SWIFT_VERSION defaults to the toolchain the project is built and tested with; .swift-version is the
# one place that names it, and Tests/deploy checks that this default, that file and the local
# toolchain agree.
ARG SWIFT_VERSION=6.3.1
ARG UBUNTU_RELEASE=noble

# ---------------------------------------------------------------------------------------------- build
FROM swift:${SWIFT_VERSION}-${UBUNTU_RELEASE} AS build
WORKDIR /build

# Index Data's YAZ, which the ISBN lookup (Z39.50, SRU, MARC) links through the CYaz module.
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get -q update \
    && apt-get -q install -y --no-install-recommends libyaz-dev libmariadb-dev \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, in their own layer: resolved again only when the manifest changes.
COPY ./Package.* ./
RUN swift package resolve \
        $([ -f ./Package.resolved ] && echo "--force-resolved-versions" || true)

# The same product and flags as `make install` (Makefile: RELEASE_FLAGS).
COPY . .
RUN swift build -c release --product book-server --static-swift-stdlib

# Everything the runtime stage needs, in one folder.
WORKDIR /staging
# The binary; Swift's statically linked backtracer beside it, for readable crash reports; and the
# resource bundles of the package and its dependencies, if any.
RUN cp "$(swift build --package-path /build -c release --show-bin-path)/book-server" ./ \
    && cp /usr/libexec/swift/linux/swift-backtrace-static ./ \
    && find -L "$(swift build --package-path /build -c release --show-bin-path)/" \
        -maxdepth 1 -regex '.*\.resources$' -exec cp -Ra {} ./ \;

# -------------------------------------------------------------------------------------------- runtime
FROM ubuntu:${UBUNTU_RELEASE}

# With the Swift standard library linked in, the binary needs only libc, libm, libstdc++, libgcc_s
# and zlib (`ldd` on a build of this toolchain), all in the base image, YAZ's shared library (libyaz5
# and what it depends on, for ISBN lookups in library catalogues), MariaDB Connector/C (libmariadb3,
# for MySQL/MariaDB as the database and import-django from a seed's), and these: CA certificates
# (SMTP over TLS, the OIDC provider over HTTPS, PostgreSQL with TLS), time zones, and curl for the
# health check. SQLite and BoringSSL are compiled into the binary.
RUN export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    && apt-get -q update \
    && apt-get -q dist-upgrade -y \
    && apt-get -q install -y --no-install-recommends ca-certificates tzdata curl libyaz5 libmariadb3 \
    && rm -rf /var/lib/apt/lists/*

# A system user that owns nothing but its home; the binary itself is read-only to it.
RUN useradd --user-group --create-home --system --skel /dev/null --home-dir /app books
WORKDIR /app
COPY --from=build /staging /app
# data/ holds the SQLite file and the local mailbox when no DATABASE_URL / SMTP_HOST is given.
RUN mkdir -p /app/data && chown books:books /app/data

ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=./swift-backtrace-static
USER books:books
EXPOSE 8080

# Ready means the database answers (GET /readyz); the orchestrator and Compose's depends_on use it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/readyz"]

ENTRYPOINT ["./book-server"]
CMD ["serve", "--env", "production", "--hostname", "0.0.0.0", "--port", "8080"]
