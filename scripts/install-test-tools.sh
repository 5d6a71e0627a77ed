#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and nothing when it is there.
# A JDK 17+, Maven, Prometheus and promtool (Debian's prometheus package: lints /metrics, checks, unit-tests and loads the
# rules in deploy/prometheus), amtool and Alertmanager itself (prometheus-alertmanager: deploy/alertmanager),
# docker-compose (validates docker-compose.yml; no Docker engine needed), kubectl (Debian's kubernetes-client where
# the machine has none: `kubectl kustomize` renders deploy/kubernetes offline), Node.js and npm, and the AsyncAPI parser
# (@asyncapi/parser with its Avro schema parser, versions pinned in scripts/asyncapi/package-lock.json) into .tools/asyncapi
# of this checkout, never globally: AsyncApiDocumentTest validates docs/asyncapi.yaml with it.
set -euo pipefail

need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || need+=(prometheus)
{ command -v amtool && command -v prometheus-alertmanager; } >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)

if [ ${#need[@]} -gt 0 ]; then
  echo "install-test-tools: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# The AsyncAPI parser, from npm, exactly the locked versions; again only when the lock file changed.
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools/asyncapi"
if ! cmp -s "$root/scripts/asyncapi/package-lock.json" "$tools/installed.lock" 2>/dev/null; then
  echo "install-test-tools: installing the AsyncAPI parser into .tools/asyncapi (npm ci)"
  rm -rf "$tools"
  mkdir -p "$tools"
  cp "$root/scripts/asyncapi/package.json" "$root/scripts/asyncapi/package-lock.json" "$tools/"
  (cd "$tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$root/scripts/asyncapi/package-lock.json" "$tools/installed.lock"
fi
