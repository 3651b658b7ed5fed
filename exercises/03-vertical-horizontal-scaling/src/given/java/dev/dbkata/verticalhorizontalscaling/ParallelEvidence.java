package dev.dbkata.verticalhorizontalscaling;

/**
 * What a {@code Gather} node of an executed plan reports.
 *
 * @param workersPlanned the plan's "Workers Planned"
 * @param workersLaunched the plan's "Workers Launched" (fewer when the server had no free worker)
 */
public record ParallelEvidence(int workersPlanned, int workersLaunched) {
}
