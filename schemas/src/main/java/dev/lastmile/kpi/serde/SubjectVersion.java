package dev.lastmile.kpi.serde;

import org.apache.avro.Schema;

/** One version of a subject in a Confluent registry: its number (from 1), the schema's global id and the schema. */
public record SubjectVersion(String subject, int version, int id, Schema schema) {
}
