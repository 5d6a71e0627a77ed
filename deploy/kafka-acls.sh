#!/usr/bin/env bash
# Grants the lastmile-kpi pipeline's principal exactly the ACLs it needs, and nothing more.
# The list was found by running the pipeline on a broker with ACLs (SecuredPipelineIntegrationTest);
# KafkaAclsScriptTest checks that this script grants the same list.
#
# Usage (every variable has the pipeline's default; set the ones you changed):
#   BOOTSTRAP=kafka-1:9092 COMMAND_CONFIG=/etc/kafka/admin.properties \
#   PRINCIPAL=User:lastmile-kpi APP_ID=lastmile-kpi deploy/kafka-acls.sh
# COMMAND_CONFIG is the admin client's own login (security.protocol, sasl.*), an operator's, not the app's.
set -euo pipefail

BOOTSTRAP="${BOOTSTRAP:-localhost:9092}"
COMMAND_CONFIG="${COMMAND_CONFIG:-}"
KAFKA_ACLS="${KAFKA_ACLS:-kafka-acls.sh}"       # Kafka's bin/kafka-acls.sh
PRINCIPAL="${PRINCIPAL:-User:lastmile-kpi}"     # the user in the pipeline's kafka.sasl.jaas.config
APP_ID="${APP_ID:-lastmile-kpi}"                # application.id
# topic.* settings
TOPIC_DELIVERY_EVENTS="${TOPIC_DELIVERY_EVENTS:-lastmile.delivery-events}"
TOPIC_TICKET_EVENTS="${TOPIC_TICKET_EVENTS:-lastmile.ticket-events}"
TOPIC_SURVEY_RESPONSES="${TOPIC_SURVEY_RESPONSES:-lastmile.survey-responses}"
TOPIC_KPI_TARGETS="${TOPIC_KPI_TARGETS:-lastmile.kpi-targets}"
TOPIC_DLQ="${TOPIC_DLQ:-lastmile.dlq}"
TOPIC_LATE_EVENTS="${TOPIC_LATE_EVENTS:-lastmile.late-events}"
TOPIC_KPI_DELIVERY="${TOPIC_KPI_DELIVERY:-lastmile.kpi.delivery}"
TOPIC_KPI_SUPPORT="${TOPIC_KPI_SUPPORT:-lastmile.kpi.support}"
TOPIC_KPI_EXPERIENCE="${TOPIC_KPI_EXPERIENCE:-lastmile.kpi.experience}"
TOPIC_KPI_ROUTE_COMPLAINTS="${TOPIC_KPI_ROUTE_COMPLAINTS:-lastmile.kpi.route-complaints}"
TOPIC_KPI_PERFECT_ORDER="${TOPIC_KPI_PERFECT_ORDER:-lastmile.kpi.perfect-order}"
TOPIC_KPI_ALERTS="${TOPIC_KPI_ALERTS:-lastmile.kpi.alerts}"

acl() {
  local admin=(--bootstrap-server "$BOOTSTRAP")
  if [[ -n "$COMMAND_CONFIG" ]]; then admin+=(--command-config "$COMMAND_CONFIG"); fi
  "$KAFKA_ACLS" "${admin[@]}" --add --allow-principal "$PRINCIPAL" "$@"
}

# Inputs and the compacted targets topic: read (a global store reads the targets topic without a group).
for t in "$TOPIC_DELIVERY_EVENTS" "$TOPIC_TICKET_EVENTS" "$TOPIC_SURVEY_RESPONSES" "$TOPIC_KPI_TARGETS"; do
  acl --operation Read --topic "$t"
done
# run checks at start-up that no output or targets topic is configured to delete its records.
for t in "$TOPIC_KPI_TARGETS" "$TOPIC_DLQ" "$TOPIC_LATE_EVENTS" "$TOPIC_KPI_DELIVERY" "$TOPIC_KPI_SUPPORT" \
         "$TOPIC_KPI_EXPERIENCE" "$TOPIC_KPI_ROUTE_COMPLAINTS" "$TOPIC_KPI_PERFECT_ORDER" "$TOPIC_KPI_ALERTS"; do
  acl --operation DescribeConfigs --topic "$t"
done
# Outputs, dead letters and late records: write. `run` only checks these exist: create them first,
# or also grant Create on them for create.output.topics=true.
for t in "$TOPIC_DLQ" "$TOPIC_LATE_EVENTS" "$TOPIC_KPI_DELIVERY" "$TOPIC_KPI_SUPPORT" "$TOPIC_KPI_EXPERIENCE" \
         "$TOPIC_KPI_ROUTE_COMPLAINTS" "$TOPIC_KPI_PERFECT_ORDER" "$TOPIC_KPI_ALERTS"; do
  acl --operation Write --topic "$t"
done
# Internal topics <application.id>-...-repartition / -changelog: Streams creates, reads and writes them,
# and deletes consumed repartition records. Without Delete nothing fails (Streams logs it at DEBUG)
# but repartition topics, kept forever (retention.ms=-1), grow without bound.
acl --resource-pattern-type prefixed --topic "${APP_ID}-" \
    --operation Create --operation Read --operation Write --operation Delete
# The consumer group is the application id.
acl --operation Read --group "$APP_ID"
# exactly_once_v2: a transactional producer per stream thread, id <application.id>-<process id>-<n>.
acl --resource-pattern-type prefixed --transactional-id "${APP_ID}-" --operation Write
