package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import dev.dbkata.grader.TestOutcome.Cause;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which test's message a task shows: the most telling one; the status stays the worst. */
class TaskScoringTest {

    private static final String ADDING = "fixture.passing.AddingTest";

    @Test
    @DisplayName("a failed check outranks an exception a later step threw, whatever ran first")
    void checkBeforeException(@TempDir Path folder) {
        TaskResult adding = adding(folder,
                failed("tables are created", "PSQLException: ERROR: syntax error at or near \"-\"", Cause.THREW),
                failed("every id has a table", "tableFor(-7) returned -3 (is the modulo negative?)", Cause.CHECK));

        assertThat(adding.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(adding.message()).isEqualTo("tableFor(-7) returned -3 (is the modulo negative?) [every id has a table]");
    }

    @Test
    @DisplayName("a failed check outranks a timeout; the task's status stays the timeout")
    void checkBeforeTimeout(@TempDir Path folder) {
        TaskResult adding = adding(folder,
                new TestOutcome(ADDING, "steady state", TaskStatus.TIMEOUT, "TimeoutException: timed out after 30 s", 30_000, ""),
                failed("reads go to replica2", "a read with the token ran on the primary", Cause.CHECK));

        assertThat(adding.status()).as("the status is the worst test's").isEqualTo(TaskStatus.TIMEOUT);
        assertThat(adding.message()).isEqualTo("a read with the token ran on the primary [reads go to replica2]");
    }

    @Test
    @DisplayName("a failed check outranks a wait that gave up; a wait outranks an exception")
    void checkBeforeWaitBeforeException(@TempDir Path folder) {
        TaskResult withCheck = adding(folder,
                failed("leaves the rotation", "Gave up after 10 s waiting for reads to stop: measure the lag again", Cause.WAIT),
                failed("measures lag", "what it received does not count", Cause.CHECK));
        TaskResult withoutCheck = adding(folder,
                failed("throws", "IllegalStateException: no replica", Cause.THREW),
                failed("leaves the rotation", "Gave up after 10 s waiting for reads to stop", Cause.WAIT));

        assertThat(withCheck.message()).isEqualTo("what it received does not count [measures lag]");
        assertThat(withoutCheck.message()).isEqualTo("Gave up after 10 s waiting for reads to stop [leaves the rotation]");
    }

    @Test
    @DisplayName("among equally telling tests, the first that ran speaks (an exercise orders its telling test first)")
    void firstAmongEquals(@TempDir Path folder) {
        TaskResult adding = adding(folder,
                new TestOutcome(ADDING, "passes", TaskStatus.PASSED, null, 5, ""),
                failed("first check", "the first", Cause.CHECK),
                failed("second check", "the second", Cause.CHECK));

        assertThat(adding.message()).isEqualTo("the first [first check]");
    }

    @Test
    @DisplayName("an unknown cause counts as thrown; a timeout outranks an error of the servers, which outranks a skip")
    void unknownCauseAndTheRest(@TempDir Path folder) {
        TaskResult unknown = adding(folder,
                new TestOutcome(ADDING, "unknown", TaskStatus.FAILED, "RuntimeException: boom", 5, ""),
                failed("check", "the check", Cause.CHECK));
        TaskResult noFailure = adding(folder,
                new TestOutcome(ADDING, "skipped", TaskStatus.SKIPPED, "disabled", 0, ""),
                new TestOutcome(ADDING, "servers", TaskStatus.ERROR, "InfrastructureException: no port", 0, ""),
                new TestOutcome(ADDING, "slow", TaskStatus.TIMEOUT, "TimeoutException", 30_000, ""));

        assertThat(unknown.message()).isEqualTo("the check [check]");
        assertThat(noFailure.status()).isEqualTo(TaskStatus.TIMEOUT);
        assertThat(noFailure.message()).isEqualTo("TimeoutException [slow]");
    }

    @Test
    @DisplayName("a skeleton's TODO outranks a check that caught it (a test that expects a refusal catches the TODO too)")
    void todoFirst(@TempDir Path folder) {
        TaskResult adding = adding(folder,
                failed("refuses", "[the primary answers, so promoting a replica would make two primaries] Expecting actual"
                        + " throwable to be an instance of IllegalStateException but was: UnsupportedOperationException:"
                        + " TODO(failover): promote the replica", Cause.CHECK),
                failed("promotes", "UnsupportedOperationException: TODO(failover): promote the replica", Cause.THREW));

        assertThat(adding.message()).isEqualTo("UnsupportedOperationException: TODO(failover): promote the replica [promotes]");
    }

    @Test
    @DisplayName("the task's own TODO outranks the TODO of an earlier task its tests also call")
    void ownTodoFirst(@TempDir Path folder) {
        TaskResult adding = adding(folder,
                failed("reads", "UnsupportedOperationException: TODO(read-write-split): read on a replica", Cause.THREW),
                failed("sums", "UnsupportedOperationException: TODO(adding): add the numbers", Cause.THREW));

        assertThat(adding.message()).isEqualTo("UnsupportedOperationException: TODO(adding): add the numbers [sums]");
    }

    private static TestOutcome failed(String name, String message, Cause cause) {
        return new TestOutcome(ADDING, name, TaskStatus.FAILED, message, 10, "", List.of(), cause);
    }

    private static TaskResult adding(Path folder, TestOutcome... tests) {
        TaskCatalog catalog = FixtureKata.copyTo(folder.resolve("kata-" + System.nanoTime())).catalog("01-passing");
        return TaskScoring.score(catalog, List.of(tests)).stream().filter(t -> t.task().id().equals("adding"))
                .findFirst().orElseThrow();
    }
}
