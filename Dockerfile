# syntax=docker/dockerfile:1
# The Tally worker image: built from this repository, run as an unprivileged user.
#
#   docker build -t tally-worker .
#   docker run --rm -e TEMPORAL_ADDRESS=host.docker.internal:7233 tally-worker
#
# Configuration comes only from the environment (README.md, "Configuration").

# --- build: the worker module and the modules it depends on ---------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps ~/.m2 between builds without baking it into a layer.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl worker -am -DskipTests package \
 && cp worker/target/tally-worker.jar /tally-worker.jar

# --- run: a JRE and the shaded jar ----------------------------------------------------------
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /data tally \
 && mkdir -p /data /app \
 && chown tally /data
COPY --from=build /tally-worker.jar /app/tally-worker.jar
USER tally
# Conversations and sandbox sessions live here; every worker on a host mounts the same volume.
ENV TALLY_DATA_DIR=/data
VOLUME ["/data"]
# docker stop sends SIGTERM: the worker's shutdown hook lets in-flight tasks finish, then exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/tally-worker.jar"]
