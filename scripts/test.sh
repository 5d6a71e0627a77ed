#!/usr/bin/env bash
# Every test: unit, topology (TopologyTestDriver), replay, and integration tests on a real
# in-process Kafka broker. Installs missing tools first, so it passes on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-tools.sh
# -Pexamples: also builds and tests examples/downstream-consumer against this build's schemas jar (no mvn install).
mvn -B --no-transfer-progress verify -Pexamples "$@"
