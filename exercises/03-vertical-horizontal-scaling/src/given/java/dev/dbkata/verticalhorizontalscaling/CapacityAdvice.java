package dev.dbkata.verticalhorizontalscaling;

/**
 * A recommendation and the measured facts that decided it.
 *
 * @param recommendation what to do
 * @param evidence the measurements it rests on
 * @param reason in words, with the numbers that decided, such as "write share 0.83 >= 0.50: ..."
 */
public record CapacityAdvice(Recommendation recommendation, WorkloadFacts evidence, String reason) {
}
