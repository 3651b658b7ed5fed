package watchfixture.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbkata.testkit.Task;
import org.junit.jupiter.api.Test;

@Task(id = "greet", title = "Say hello", points = 1)
class GreetTest {

    @Test
    void saysHello() {
        assertEquals("hello", Greeter.hello(), "the greeting");
    }
}
