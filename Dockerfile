# parley in a container: the same install script as the README and CI, one list of dependencies.
FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN bash scripts/install-deps.sh
COPY . .
RUN rm -rf build && bash scripts/build.sh -DPARLEY_TESTS=OFF

FROM debian:12
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libsqlite3-0 libhiredis0.14 libssl3 libpq5 \
      libboost-json1.81.0 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/parley
COPY --from=build /src/build/parley /usr/local/bin/parley
VOLUME /srv/parley/data
ENV PARLEY_LISTEN=0.0.0.0:8080 PARLEY_DB=/srv/parley/data/parley.db PARLEY_UPLOAD_DIR=/srv/parley/data/uploads
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/parley"]
