# parley in a container (docs/install.md):
#   docker build -t parley .
#   docker run -d --name parley -p 8080:8080 -v parley-data:/var/lib/parley \
#     -e PARLEY_JWT_SECRET=$(openssl rand -hex 32) parley
#
# Two stages. The first builds with exactly what the README and CI use (scripts/install-deps.sh,
# then scripts/build.sh as scripts/serve.sh calls it), so the image holds the binaries CI tested
# the sources of. The second holds only the binaries and the shared libraries they load
# (packaging/runtime-packages, the Debian package's Depends too), and runs as a non-root user.
# test/e2e/deploy_files_test.cpp checks this file against those scripts and lists: no Docker
# engine runs where parley is developed.

FROM debian:12 AS build
WORKDIR /src
# The package list alone first, so that this layer (the slow one) is rebuilt only when it changes.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN bash scripts/install-deps.sh
COPY . .
# A build directory copied from the host belongs to another source path: CMake refuses it.
RUN rm -rf build && bash scripts/build.sh -DPARLEY_TESTS=OFF

FROM debian:12
# The one list of runtime libraries, read from the file so it cannot drift from the .deb's.
# curl is for the HEALTHCHECK only (parley has no health subcommand); it is not a dependency
# of parley, so it is not in that list.
COPY packaging/runtime-packages /tmp/runtime-packages
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      $(sed 's/#.*//' /tmp/runtime-packages) curl \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages

# A fixed uid and gid, so that a bind mount can be prepared for them on the host
# (chown 10001:10001 DIR) and orchestrators can see the user is not root.
RUN groupadd --gid 10001 parley \
 && useradd --uid 10001 --gid parley --no-create-home --home-dir /var/lib/parley \
      --shell /usr/sbin/nologin parley \
 && install -d -o parley -g parley -m 0750 /var/lib/parley /var/lib/parley/uploads
COPY --from=build /src/build/parley /src/build/parley-bench /usr/bin/

# The database and the uploads live in the volume: a new image on the same volume keeps every
# message and file (parley migrates the database on start). Declared after the directory is
# made and given to parley, so a new named volume starts with that owner. uploads/ exists in
# the image too, so that a volume mounted there alone (as a cluster shares it) is parley's as well.
VOLUME /var/lib/parley
WORKDIR /var/lib/parley
# Listen on every interface of the container (the default, 127.0.0.1, is unreachable from
# outside it). PARLEY_JWT_SECRET is not set here: an image must not carry a key; without one
# tokens die with the process, so pass -e PARLEY_JWT_SECRET=... (docs/install.md).
ENV PARLEY_LISTEN=0.0.0.0:8080 \
    PARLEY_DB=/var/lib/parley/parley.db \
    PARLEY_UPLOAD_DIR=/var/lib/parley/uploads
EXPOSE 8080

# /readyz answers 503 while a configured Redis is unreachable: such an instance is unhealthy
# for a load balancer even though the process runs. The port follows PARLEY_LISTEN, and the
# scheme PARLEY_TLS_CERT (-k: the certificate names the public host, not 127.0.0.1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD scheme=http; [ -z "$PARLEY_TLS_CERT" ] || scheme=https; \
      curl -fsSk --max-time 4 -o /dev/null "$scheme://127.0.0.1:${PARLEY_LISTEN##*:}/readyz" || exit 1

# Numeric, so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
# SIGTERM drains: sessions get close code 1001 and up to 8 s, the stores flush, exit 0.
# Docker's default grace of 10 s covers that; `docker stop -t 30` leaves more room.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/parley"]
