/**
 * Exercise 08: a load balancer over three streaming replicas of a real PostgreSQL 17 primary,
 * by weight and by load, with health checks, draining, and a small TCP balancer in front of an
 * unmodified JDBC client. One test class per task; {@link dev.dbkata.loadbalancing.Replicas} turns
 * the cluster into the balancer's servers and counts what each server ran.
 */
@Exercise(title = "Load balancing", level = Level.ADVANCED)
package dev.dbkata.loadbalancing;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
