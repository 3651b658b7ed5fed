package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The grader's housekeeping around the test JVMs: workspaces and environment. */
class WorkspaceTest {

    @Test
    @DisplayName("the test JVM gets no CI credentials or report files from the grader's environment")
    void privateVariablesStayWithTheGrader() {
        assertThat(ExerciseJvm.isPrivate("GITHUB_TOKEN")).isTrue();
        assertThat(ExerciseJvm.isPrivate("GITHUB_STEP_SUMMARY")).isTrue();
        assertThat(ExerciseJvm.isPrivate("ACTIONS_RUNTIME_TOKEN")).isTrue();
        assertThat(ExerciseJvm.isPrivate("NPM_TOKEN")).isTrue();
        assertThat(ExerciseJvm.isPrivate("KATA_BACKEND")).isFalse();
        assertThat(ExerciseJvm.isPrivate("PATH")).isFalse();
    }

    @Test
    @DisplayName("a workspace is left for removal only when the grader that made it is gone")
    void ownerIsGone() {
        long self = ProcessHandle.current().pid();

        assertThat(GradingWorkspace.ownerIsGone("dbkata-grade-" + self + "-123")).isFalse();
        assertThat(GradingWorkspace.ownerIsGone("dbkata-grade-" + Long.MAX_VALUE + "-123")).isTrue();
        assertThat(GradingWorkspace.ownerIsGone("dbkata-something-else")).isFalse();
        assertThat(GradingWorkspace.ownerIsGone("dbkata-grade-123")).as("the old naming, without an owner").isFalse();
    }
}
