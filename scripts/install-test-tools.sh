#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and nothing when it is there.
# A JDK 17+, Maven, Prometheus and promtool (Debian's prometheus package: lints /metrics, checks, unit-tests and loads the
# rules in deploy/prometheus), amtool and Alertmanager itself (prometheus-alertmanager: deploy/alertmanager),
# docker-compose (validates docker-compose.yml; no Docker engine needed), kubectl (Debian's kubernetes-client where
# the machine has none: `kubectl kustomize` renders deploy/kubernetes offline).
set -euo pipefail

need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || need+=(prometheus)
{ command -v amtool && command -v prometheus-alertmanager; } >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)

if [ ${#need[@]} -gt 0 ]; then
  echo "install-test-tools: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
