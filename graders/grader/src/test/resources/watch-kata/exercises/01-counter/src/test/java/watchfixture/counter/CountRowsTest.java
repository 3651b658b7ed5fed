package watchfixture.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.Test;

@Task(id = "count-rows", title = "Count rows on the server", points = 1)
@WithPostgres
class CountRowsTest {

    @Test
    void countsRows(PostgresNode node) throws Exception {
        node.execute("CREATE TABLE item (id int)");
        node.execute("INSERT INTO item SELECT generate_series(1, 3)");
        assertEquals(3, Counter.rows(node.dataSource()), "three rows were inserted");
    }
}
