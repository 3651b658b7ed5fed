/**
 * Exercise 10: the monitoring and tuning toolbox of an invoicing service, tested against a real
 * PostgreSQL 17 (and a primary with a streaming replica for the metrics and alerts). One test
 * class per task.
 */
@Exercise(title = "Monitoring and performance tuning", level = Level.ADVANCED)
package dev.dbkata.monitoring;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
