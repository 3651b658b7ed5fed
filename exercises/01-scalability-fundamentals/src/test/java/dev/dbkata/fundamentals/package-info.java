/** Tests of exercise 01: pooling, batching, keyset paging, honest measurement and a diagnosis from the server's views. */
@Exercise(title = "Scalability fundamentals", level = Level.BEGINNER)
package dev.dbkata.fundamentals;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
