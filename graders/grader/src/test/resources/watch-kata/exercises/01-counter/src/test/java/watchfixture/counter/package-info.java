/** A fixture exercise for the watch test: one task on a real server, one without. */
@Exercise(title = "Counter fixture", level = Level.BEGINNER)
package watchfixture.counter;

import dev.dbkata.testkit.Exercise;
import dev.dbkata.testkit.Level;
