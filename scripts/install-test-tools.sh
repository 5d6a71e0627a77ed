#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and nothing when it is there.
# Today: a JDK 17+ and Maven. (Prometheus, promtool and Alertmanager join when deploy/ is tested.)
set -euo pipefail

need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)

if [ ${#need[@]} -gt 0 ]; then
  echo "install-test-tools: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
