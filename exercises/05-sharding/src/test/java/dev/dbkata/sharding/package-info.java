/** Tests of exercise 05: routing, scatter-gather, consistent hashing, global ids, online resharding, two-phase commit. */
@Exercise(title = "Sharding", level = Level.INTERMEDIATE)
package dev.dbkata.sharding;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
