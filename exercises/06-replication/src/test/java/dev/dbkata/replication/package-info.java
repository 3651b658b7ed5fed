/**
 * Exercise 06: a replica router over a real primary and its streaming replicas. One test class
 * per task; {@link dev.dbkata.replication.ClusterUnderTest} turns the testkit's cluster into the
 * router's inputs and names the server behind each answer.
 */
@Exercise(title = "Database replication", level = Level.INTERMEDIATE)
package dev.dbkata.replication;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
