/**
 * Exercise 03: Vertical vs horizontal scaling. TODO: one sentence on what the learner builds, against which servers.
 */
@Exercise(title = "Vertical vs horizontal scaling", level = Level.BEGINNER)
package dev.dbkata.verticalhorizontalscaling;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
