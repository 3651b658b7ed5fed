/**
 * Exercise 03: what one bigger server buys (memory for sorts and hashes, parallel workers), what
 * more servers buy (reads spread by capacity), the models that say where either stops paying, and
 * a planner that chooses from measured facts. One test class per task.
 */
@Exercise(title = "Vertical vs horizontal scaling", level = Level.BEGINNER)
package dev.dbkata.verticalhorizontalscaling;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
