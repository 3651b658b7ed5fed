package dev.dbkata.monitoring;

/** The axis along which {@link TopStatements} ranks statements, costliest first. */
public enum RankBy {
    /** Time spent executing the statement, summed over every call: what the server spent on it. */
    TOTAL_TIME,
    /** Time per call: what one user waits for. */
    MEAN_TIME,
    /** How many times it ran: the chattiest statement, cheap or not. */
    CALLS
}
