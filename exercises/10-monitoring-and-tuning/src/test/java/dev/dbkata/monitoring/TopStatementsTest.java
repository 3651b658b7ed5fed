package dev.dbkata.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.dbkata.testkit.PostgresNode;
import dev.dbkata.testkit.Task;
import dev.dbkata.testkit.WithPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task top-statements: rank statements by total time, mean time and calls from
 * {@code pg_stat_statements}, with the tool's own queries left out.
 *
 * <p>The workload is planted with costs far apart, so each axis has one clear winner whatever the
 * machine's load: a month-end report (2 calls of at least 150 ms: the slowest per call), a
 * reminder job (60 calls of at least 20 ms: the most time in all), and an invoice lookup
 * (300 calls of well under a millisecond: the most calls), planted once for the class. Sleeps only
 * ever last longer than asked,
 * and the factors between the winners (4× in total time, 7× in mean time, 5× in calls) leave room.
 *
 * <p>Rejects:
 * <ul>
 *   <li>ranking by calls whatever the axis (the chatty lookup would top the total-time list);</li>
 *   <li>ranking total time by mean time or the other way round;</li>
 *   <li>counting the tool's own statements (its query on pg_stat_statements shows up in the list);</li>
 *   <li>text the tool normalises itself, or one entry per constant: the server's normalised text
 *       and its {@code queryid} are the truth, one entry for the 300 lookups;</li>
 *   <li>figures that differ from the view's.</li>
 * </ul>
 */
@Task(id = "top-statements", title = "Rank the costliest statements", points = 2)
@WithPostgres
class TopStatementsTest {

    static final String REPORT = "/* month-end report */ SELECT pg_sleep(0.15), count(*) FROM invoice";
    static final String REMINDER = "/* reminder job */ SELECT pg_sleep(0.02), ";
    static final String LOOKUP = "/* invoice lookup */ SELECT amount FROM invoice WHERE id = ";

    /** Planted once for the class: the tests only read the ranking, and the tool's own runs do not count. */
    @BeforeAll
    static void plantWorkload(PostgresNode node) throws SQLException {
        node.execute("DROP TABLE IF EXISTS invoice; CREATE TABLE invoice (id int PRIMARY KEY, amount numeric(10,2) NOT NULL);"
                + " INSERT INTO invoice SELECT g, g % 1000 FROM generate_series(1, 1000) g");
        node.statements().reset();
        try (Connection c = node.connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 2; i++) {
                s.execute(REPORT);
            }
            for (int i = 0; i < 60; i++) {
                s.execute(REMINDER + i);   // a different constant each time, one normalised statement
            }
            for (int i = 1; i <= 300; i++) {
                s.execute(LOOKUP + i);
            }
        }
    }

    @Test
    @DisplayName("each axis has its own winner: the reminder job by total time, the report by mean time, the lookup by calls")
    void eachAxisHasItsWinner(PostgresNode node) throws SQLException {
        TopStatements tool = new TopStatements(node.dataSource());

        assertThat(first(tool.top(RankBy.TOTAL_TIME, 5)))
                .as("by total time the reminder job wins (60 calls × ≥ 20 ms ≥ 1.2 s, against 2 × 150 ms for the"
                        + " report and 300 cheap lookups); ranking by calls or by mean time gives another answer."
                        + " Ranked: %s", describe(tool.top(RankBy.TOTAL_TIME, 5)))
                .contains("reminder job");
        assertThat(first(tool.top(RankBy.MEAN_TIME, 5)))
                .as("by mean time the month-end report wins (≥ 150 ms per call). Ranked: %s",
                        describe(tool.top(RankBy.MEAN_TIME, 5)))
                .contains("month-end report");
        assertThat(first(tool.top(RankBy.CALLS, 5)))
                .as("by calls the invoice lookup wins (300 calls). Ranked: %s", describe(tool.top(RankBy.CALLS, 5)))
                .contains("invoice lookup");
    }

    @Test
    @DisplayName("the figures are the server's: one entry per normalised statement, with its queryid, calls and times")
    void figuresAreTheServers(PostgresNode node) throws SQLException {
        List<StatementCost> ranked = new TopStatements(node.dataSource()).top(RankBy.CALLS, 3);
        StatementCost lookup = ranked.get(0);

        assertThat(lookup.query()).as("the lookup's text as the server normalised it: the constant becomes $1")
                .contains("invoice lookup").contains("$1").doesNotContain("= 17");
        assertThat(lookup.calls()).as("300 lookups with 300 different ids are one statement with 300 calls")
                .isEqualTo(300);
        try (Connection c = node.connect();
             PreparedStatement s = c.prepareStatement("/* dbkata */ SELECT sum(calls), sum(total_exec_time),"
                     + " sum(rows) FROM pg_stat_statements WHERE queryid = ?")) {
            for (StatementCost cost : ranked) {
                s.setLong(1, cost.queryId());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(cost.calls()).as("calls of queryid %d in pg_stat_statements", cost.queryId())
                            .isEqualTo(rs.getLong(1));
                    assertThat(cost.totalMillis()).as("total_exec_time of queryid %d", cost.queryId())
                            .isCloseTo(rs.getDouble(2), org.assertj.core.data.Offset.offset(0.001));
                    assertThat(cost.meanMillis()).as("mean time of queryid %d is its total time over its calls",
                            cost.queryId()).isCloseTo(rs.getDouble(2) / rs.getLong(1),
                            org.assertj.core.data.Offset.offset(0.001));
                    assertThat(cost.rows()).as("rows of queryid %d", cost.queryId()).isEqualTo(rs.getLong(3));
                }
            }
        }
        StatementCost report = new TopStatements(node.dataSource()).top(RankBy.MEAN_TIME, 1).get(0);
        assertThat(report.meanMillis()).as("the report sleeps 150 ms per call").isGreaterThanOrEqualTo(150);
    }

    @Test
    @DisplayName("the tool leaves its own queries out, however often it runs")
    void leavesItsOwnQueriesOut(PostgresNode node) throws SQLException {
        TopStatements tool = new TopStatements(node.dataSource());
        for (int i = 0; i < 320; i++) {
            tool.top(RankBy.CALLS, 1);   // more calls than the busiest statement of the workload
        }
        List<StatementCost> ranked = tool.top(RankBy.CALLS, 20);

        assertThat(ranked).as("a monitoring tool that counts its own queries ranks itself: after 320 runs its"
                        + " query on pg_stat_statements would top the calls. Leave it out (mark your SQL with a comment and"
                        + " filter on it). Ranked: %s", describe(ranked))
                .noneMatch(cost -> cost.query().toLowerCase(Locale.ROOT).contains("pg_stat_statements")
                        && !cost.query().contains("/* dbkata */"));   // the testkit's own reset is not the tool's
        assertThat(first(ranked)).as("with its own queries left out, the lookup still has the most calls")
                .contains("invoice lookup");
    }

    @Test
    @DisplayName("a limit below 1 is refused; the limit caps the list")
    void limitIsChecked(PostgresNode node) throws SQLException {
        TopStatements tool = new TopStatements(node.dataSource());
        // The ranking first: on the skeleton it stops at the TODO, which says what to build.
        assertThat(tool.top(RankBy.TOTAL_TIME, 2)).as("top(TOTAL_TIME, 2)").hasSize(2);
        assertThatThrownBy(() -> tool.top(RankBy.CALLS, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String first(List<StatementCost> ranked) {
        assertThat(ranked).as("the ranking should not be empty after the planted workload").isNotEmpty();
        return ranked.get(0).query();
    }

    static String describe(List<StatementCost> ranked) {
        return ranked.stream().map(c -> String.format(Locale.ROOT, "%n  %d calls, %.1f ms in all, %.2f ms each: %s",
                c.calls(), c.totalMillis(), c.meanMillis(), c.query())).collect(Collectors.joining());
    }
}
