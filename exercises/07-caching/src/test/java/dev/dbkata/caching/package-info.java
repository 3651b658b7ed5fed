/**
 * Exercise 07: a cache-aside product repository over real PostgreSQL and Redis servers, and the
 * problems that make caching hard: stale values, stampedes, missing keys and outages.
 */
@Exercise(title = "Caching strategies", level = Level.INTERMEDIATE)
package dev.dbkata.caching;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
