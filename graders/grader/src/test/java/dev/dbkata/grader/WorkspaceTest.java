package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WorkspaceTest {

    @Test
    @DisplayName("a workspace is left for removal only when the grader that made it is gone")
    void ownerIsGone() {
        long self = ProcessHandle.current().pid();

        assertThat(Grader.ownerIsGone("dbkata-grade-" + self + "-123")).isFalse();
        assertThat(Grader.ownerIsGone("dbkata-grade-" + Long.MAX_VALUE + "-123")).isTrue();
        assertThat(Grader.ownerIsGone("dbkata-something-else")).isFalse();
        assertThat(Grader.ownerIsGone("dbkata-grade-123")).as("the old naming, without an owner").isFalse();
    }
}
