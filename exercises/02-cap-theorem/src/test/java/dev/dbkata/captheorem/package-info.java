/**
 * Exercise 02: CAP theorem. A ticketing service on a PostgreSQL 17 primary and two streaming
 * replicas meets real partitions (replication links cut or black-holed by the testkit): the
 * learner measures staleness from WAL positions, chooses per read between refusing and answering
 * stale, sells seats only with a quorum while reporting outcomes it cannot know honestly, and
 * measures what synchronous commit costs when nothing is broken (PACELC).
 */
@Exercise(title = "CAP theorem", level = Level.BEGINNER)
package dev.dbkata.captheorem;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
