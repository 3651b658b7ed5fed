package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimelinesTest {

    private static final String HISTORY = "1\t0/3000060\tno recovery target specified\n\n"
            + "2\t0/5000A28\tno recovery target specified\n";

    @Test
    @DisplayName("the switch point of each ancestor timeline is read from the history file")
    void switchPoints() {
        assertThat(Timelines.switchPoint(HISTORY, 1)).isEqualTo(Lsn.parse("0/3000060"));
        assertThat(Timelines.switchPoint(HISTORY, 2)).isEqualTo(Lsn.parse("0/5000A28"));
    }

    @Test
    @DisplayName("a timeline that is no ancestor has no switch point")
    void notAnAncestor() {
        assertThat(Timelines.switchPoint(HISTORY, 7)).isNull();
        assertThat(Timelines.switchPoint("# comment only\n", 1)).isNull();
    }
}
