#!/usr/bin/env bash
# Runs every test: unit tests, then the integration tests (applications started as separate JVMs with
# -javaagent, on JDK 17 and on JDK 25). First installs what a fresh Debian/Ubuntu machine lacks:
# redis-server (the Redis tests start their own instances), Chromium (the status page is rendered in
# it), and starts the local PostgreSQL when it is installed but down. Arguments go to Maven.
#
#   ./test.sh                       everything (what .ci/run runs)
#   ./test.sh -pl agent             the agent's unit tests only
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "FATAL: $1 is missing and this machine has no apt-get: install $1 and run again" >&2
    exit 1
  fi
  [ -n "$apt_updated" ] || { as_root apt-get update -q; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "redis-server is missing: installing it"
  apt_install redis-server
fi

chromium_bin="${WEFT_CHROMIUM:-}"
if [ -z "$chromium_bin" ]; then
  chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
fi
if [ -z "$chromium_bin" ]; then
  echo "Chromium is missing (the status page test renders in it): installing it"
  apt_install chromium
fi

# Some integration tests also use the PostgreSQL on 127.0.0.1:5432 (database test, user postgres).
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is installed but not answering on 127.0.0.1:5432: starting it"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
  for _ in $(seq 1 30); do
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && break
    sleep 1
  done
  (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null \
    || { echo "FATAL: no PostgreSQL answers on 127.0.0.1:5432; the integration tests need one" >&2; exit 1; }
fi

if [ ! -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  echo "FATAL: the integration tests also run on JDK 25 and expect it at /usr/lib/jvm/temurin-25-jdk-amd64" >&2
  exit 1
fi

java -version 2>&1 | head -1
redis-server --version
exec ./mvnw verify "$@"
