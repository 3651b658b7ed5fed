package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Reading statements out of a PostgreSQL log, without a server: the shapes the log takes. */
class StatementLogTest {

    private static final String T = "2026-11-27 15:59:00.1";

    private static List<String> sql(String log) {
        return StatementLog.parse(log).stream().map(StatementLog.Logged::sql).toList();
    }

    @Test
    @DisplayName("simple and prepared statements, parameters, multi-line text; background and testkit lines left out")
    void readsEveryShape() {
        String log = T + "01 UTC [10] LOG:  checkpoint starting: time\n"
                + T + "02 UTC [11] app=dbkata-testkit: LOG:  statement: SELECT pg_is_in_recovery()\n"
                + T + "03 UTC [12] app=PostgreSQL JDBC Driver: LOG:  statement: BEGIN\n"
                + T + "04 UTC [12] app=PostgreSQL JDBC Driver: LOG:  execute <unnamed>: SELECT *\n"
                + "\t  FROM product\n"
                + "\t WHERE id = $1\n"
                + T + "05 UTC [13] app=other: LOG:  execute S_1: SELECT 2\n"
                + T + "05 UTC [12] app=PostgreSQL JDBC Driver: DETAIL:  Parameters: $1 = '7'\n"
                + T + "06 UTC [13] app=: LOG:  execute fetch from S_2/C_3: SELECT 3\n"
                + T + "07 UTC [14] app=replica1: LOG:  received replication command: IDENTIFY_SYSTEM\n";

        assertThat(sql(log)).containsExactly("BEGIN", "SELECT *\n  FROM product\n WHERE id = $1\n-- parameters: $1 = '7'",
                "SELECT 2", "SELECT 3");
        assertThat(StatementLog.parse(log).get(0).application()).isEqualTo("PostgreSQL JDBC Driver");
    }

    @Test
    @DisplayName("an error is told with the statement it ended, or as a statement of its own when it never ran")
    void errors() {
        String log = T + "01 UTC [12] app=a: LOG:  statement: INSERT INTO t VALUES (1)\n"
                + T + "02 UTC [12] app=a: ERROR:  cannot execute INSERT in a read-only transaction\n"
                + T + "02 UTC [12] app=a: STATEMENT:  INSERT INTO t VALUES (1)\n"
                + T + "03 UTC [12] app=a: ERROR:  relation \"nope\" does not exist at character 15\n"
                + T + "03 UTC [12] app=a: STATEMENT:  SELECT * FROM nope\n"
                + T + "04 UTC [12] app=a: LOG:  statement: SET application_name = 'a'\n";

        assertThat(sql(log)).containsExactly(
                "INSERT INTO t VALUES (1)\n-- failed: ERROR: cannot execute INSERT in a read-only transaction",
                "SELECT * FROM nope\n-- failed: ERROR: relation \"nope\" does not exist at character 15");
    }

    @Test
    @DisplayName("a log cut in the middle of a message, or with lines in another shape, loses only those lines")
    void partialLines() {
        String log = "\tWHERE half = 'of a statement'\n"
                + "some line PostgreSQL wrote before its prefix applied\n"
                + T + "01 UTC [12] app=a: LOG:  statement: SELECT 1\n";

        assertThat(sql(log)).containsExactly("SELECT 1");
    }

    @Test
    @DisplayName("a very long statement is cut, saying by how much")
    void longStatement() {
        String values = "(1),".repeat(600);
        String log = T + "01 UTC [12] app=a: LOG:  statement: INSERT INTO t VALUES " + values + "(2)\n";

        String sql = sql(log).get(0);
        assertThat(sql).hasSizeLessThan(StatementLog.MAX_STATEMENT_CHARS + 40).endsWith("more characters)");
    }
}
