package dev.dbkata.verticalhorizontalscaling;

/**
 * Why a query cannot run in parallel: a function it calls whose {@code pg_proc.proparallel} is
 * {@code 'u'} (unsafe) forbids a parallel plan for the whole query.
 *
 * @param function the function's name as in {@code pg_proc.proname}
 * @param proparallel its {@code pg_proc.proparallel}: {@code 's'} safe, {@code 'r'} restricted,
 *     {@code 'u'} unsafe
 */
public record ParallelBlocker(String function, char proparallel) {
}
