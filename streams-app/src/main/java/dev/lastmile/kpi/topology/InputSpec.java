package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.kpi.Validation;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What the input gate needs to know about one input topic: how to decode it, the contract's
 * rules for it, and where its event id and event time are.
 *
 * @param name  short name for processors and stores, e.g. "delivery"
 * @param route    the route of an event, or null where the input has none (only deliveries have one)
 * @param families the KPI families an event is sent to, comma-separated; null for none; "" when a
 *                 later stage decides (tickets: the lifecycle)
 */
public record InputSpec<E>(String name, String topic, Deserializer<E> decoder, Validator<E> validator,
                           Function<E, String> eventId, ToLongFunction<E> eventTime,
                           Function<E, String> region, Function<E, String> route,
                           Function<E, String> families) {

    /** The contract's rules for one event type, checked against the pipeline's wall clock. */
    @FunctionalInterface
    public interface Validator<E> {
        Optional<Validation.Rejection> check(E event, long wallClockMs);
    }
}
