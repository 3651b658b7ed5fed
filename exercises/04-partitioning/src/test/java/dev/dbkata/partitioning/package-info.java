/** Tests of exercise 04: range, list and hash partitioning, retention, and PostgreSQL's own hash routing. */
@Exercise(title = "Database partitioning", level = Level.INTERMEDIATE)
package dev.dbkata.partitioning;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
