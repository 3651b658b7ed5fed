package dev.dbkata.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {

    @Test
    void parsesAndPrintsPostgresForm() {
        assertThat(Lsn.parse("0/3000060").value()).isEqualTo(0x3000060L);
        assertThat(Lsn.parse("1/0").value()).isEqualTo(1L << 32);
        assertThat(Lsn.parse("16/B374D848")).hasToString("16/B374D848");
    }

    @Test
    void comparesAcrossTheHighWord() {
        Lsn low = Lsn.parse("0/FFFFFFFF");
        Lsn high = Lsn.parse("1/0");

        assertThat(high).isGreaterThan(low);
        assertThat(high.bytesAfter(low)).isEqualTo(1);
        assertThat(high.isAtLeast(high)).isTrue();
        assertThat(low.isAtLeast(high)).isFalse();
    }

    @Test
    void rejectsWhatIsNotAnLsn() {
        assertThatThrownBy(() -> Lsn.parse("3000060")).hasMessageContaining("Not an LSN");
        assertThatThrownBy(() -> Lsn.parse(null)).hasMessageContaining("Not an LSN");
    }
}
