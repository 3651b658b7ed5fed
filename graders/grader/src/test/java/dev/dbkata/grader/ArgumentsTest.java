package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import dev.dbkata.grader.format.ReportFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The command line, parsed: every option, and a message that says what is wrong. */
class ArgumentsTest {

    @Test
    @DisplayName("options and exercise names, in any order; exercises/ and a trailing slash are dropped from names")
    void parsesOptions() {
        Arguments a = Arguments.parse(new String[] {"grade", "exercises/04-partitioning/", "--format", "json",
                "--repeat", "3", "--jobs", "2", "--test-timeout", "10", "--exercise-timeout", "60", "--fail-under", "50",
                "07-caching", "--target", "solutions"});

        assertThat(a.command()).isEqualTo("grade");
        assertThat(a.exercises()).containsExactly("04-partitioning", "07-caching");
        assertThat(a.format()).isEqualTo(ReportFormat.JSON);
        assertThat(a.repeat()).isEqualTo(3);
        assertThat(a.jobs()).isEqualTo(2);
        assertThat(a.testTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(a.exerciseTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(a.failUnder()).isEqualTo(50.0);
        assertThat(a.target()).isEqualTo(Target.solutions());
        assertThat(a.help()).isFalse();
    }

    @Test
    @DisplayName("--mistakes takes no value, goes with verify only, and shortens the limit per test to 20 s unless given")
    void mistakes() {
        Arguments a = Arguments.parse(new String[] {"verify", "--mistakes", "01-scalability-fundamentals", "--jobs", "2"});
        assertThat(a.mistakes()).isTrue();
        assertThat(a.exercises()).containsExactly("01-scalability-fundamentals");
        assertThat(a.testTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(Arguments.parse(new String[] {"verify", "--mistakes", "--test-timeout", "5"}).testTimeout())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(Arguments.parse(new String[] {"verify"}).testTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> Arguments.parse(new String[] {"grade", "--mistakes"}))
                .hasMessageContaining("--mistakes goes with verify");
    }

    @Test
    @DisplayName("--help and -h ask for the usage, wherever they stand, and take no value")
    void help() {
        assertThat(Arguments.parse(new String[] {"grade", "--help"}).help()).isTrue();
        assertThat(Arguments.parse(new String[] {"verify", "-h"}).help()).isTrue();
        assertThat(Arguments.parse(new String[] {"grade", "--help", "--jobs", "2"}).help()).isTrue();
        assertThat(Arguments.USAGE).contains("--fail-under PCT").contains("kata new NN-slug");
    }

    @Test
    @DisplayName("kata new keeps its words as they are: a title is not an exercise path")
    void newKeepsWords() {
        assertThat(Arguments.parse(new String[] {"new", "08-load-balancing", "Load balancing", "ADVANCED"}).names())
                .isEqualTo(List.of("08-load-balancing", "Load balancing", "ADVANCED"));
    }

    @Test
    @DisplayName("wrong values are refused with what would be right")
    void refusals() {
        assertThatThrownBy(() -> Arguments.parse(new String[] {"grade", "--jobs", "9"}))
                .hasMessageContaining("--jobs takes a number from 1 to 8, not 9");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"grade", "--repeat", "1.5"}))
                .hasMessageContaining("--repeat takes a whole number from 1 to 100, not 1.5");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"grade", "--target", "everything"}))
                .hasMessageContaining("--target is exercises or solutions, not everything");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"grade", "--submission", "x", "--target", "solutions"}))
                .hasMessageContaining("does not go with --target solutions");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"grade", "--output"}))
                .hasMessageContaining("--output needs a value");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"grade", "--colour", "red"}))
                .hasMessageContaining("unknown option --colour");
    }
}
