#!/usr/bin/env bash
# Builds Weft and the sample app, then shows what the agent does to the app: latency of the
# cached endpoints before and after caching, hit ratios, and a write evicting what it changed.
#
#   ./demo.sh                      with agent/target/weft-agent.jar
#   ./demo.sh none                 the same app without the agent (baseline)
#   ./demo.sh AGENT -Dk=v ...      extra options for the sample app's JVM, e.g.
#                                  -Dweft.redis.uri=redis://127.0.0.1:6379
set -euo pipefail
cd "$(dirname "$0")"

./mvnw -q -DskipTests package

java="java"
if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
fi
exec "$java" -cp sample-app/target/weft-sample-app.jar io.weft.sample.demo.DemoDriver \
  "${1:-agent/target/weft-agent.jar}" "${@:2}"
