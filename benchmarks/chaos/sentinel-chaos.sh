#!/usr/bin/env bash
# The Sentinel chaos run of issue 13 (docs/operations.md §9): two instances, 10,000 writes, the master killed and
# restarted 5 times; prints the stale keys after each failover settles and the lost invalidations, and exits 1 if
# an invalidation was lost. Starts its own redis-server processes (a master, a replica, three Sentinels) on free
# loopback ports; needs redis-server on the PATH and a JDK 17+. Not part of .ci/run: it takes about two minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
classpath=$(mktemp)
trap 'rm -f "$classpath"' EXIT
./mvnw -q -pl annotations,agent test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$classpath"
exec java -cp "agent/target/test-classes:agent/target/classes:$(cat "$classpath")" io.weft.agent.cache.SentinelChaos "$@"
