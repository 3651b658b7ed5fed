package dev.dbkata.testkit.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.dbkata.testkit.InfrastructureException;
import dev.dbkata.testkit.backend.ManagedServer.State;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The server life every backend shares, checked once on a stand-in whose "process" is a flag: which
 * state each step leads to, which backend operation it calls (and never calls), and the waits.
 */
class ManagedServerTest {

    private static final ManagedServer.Timeouts SHORT = new ManagedServer.Timeouts(Duration.ofMillis(300),
            Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(5));

    /** A server whose process is a flag; it records every backend operation the life asks of it. */
    static final class StandIn extends ManagedServer {
        final List<String> calls = new ArrayList<>();
        boolean alive;
        boolean paused;
        int pollsBeforeAnswering;
        boolean diesAtLaunch;
        boolean ignoresKill;
        boolean ignoresStop;
        boolean survivesForceKill;
        Boolean releasedStopped;

        StandIn() {
            super("standin", SHORT);
        }

        @Override
        public String host() {
            return "127.0.0.1";
        }

        @Override
        public int port() {
            return 1;
        }

        @Override
        protected void launch() {
            calls.add("launch");
            alive = !diesAtLaunch;
        }

        @Override
        protected boolean alive() {
            return alive;
        }

        @Override
        protected boolean answers() {
            if (paused) {
                throw new AssertionError("asked a paused server whether it answers");
            }
            return pollsBeforeAnswering-- <= 0;
        }

        @Override
        protected void kill() {
            calls.add("kill");
            alive = alive && ignoresKill;
        }

        @Override
        protected void stop() {
            calls.add("stop");
            if (paused) {
                throw new AssertionError("a paused server cannot stop cleanly");
            }
            alive = alive && ignoresStop;
        }

        @Override
        protected void forceKill() {
            calls.add("forceKill");
            alive = alive && survivesForceKill;
        }

        @Override
        protected void pause() {
            calls.add("pause");
            paused = true;
        }

        @Override
        protected void resume() {
            calls.add("resume");
            paused = false;
        }

        @Override
        protected void release(boolean stopped) {
            calls.add("release");
            releasedStopped = stopped;
        }

        @Override
        protected String describeFailure(String what) {
            return name() + " " + what + " (its log)";
        }
    }

    private static StandIn running() {
        StandIn server = new StandIn();
        server.start();
        server.calls.clear();
        return server;
    }

    @Test
    @DisplayName("start waits until the server answers, then it is running")
    void startWaitsForAnswers() {
        StandIn server = new StandIn();
        server.pollsBeforeAnswering = 3;
        assertThat(server.state()).isEqualTo(State.NEW);
        assertThat(server.isRunning()).isFalse();

        server.start();

        assertThat(server.state()).isEqualTo(State.RUNNING);
        assertThat(server.isRunning()).isTrue();
        assertThat(server.pollsBeforeAnswering).as("polled until it answered").isEqualTo(-1);
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("restart()");
    }

    @Test
    @DisplayName("a server that dies while starting fails at once, as an infrastructure failure with its log")
    void deathWhileStarting() {
        StandIn server = new StandIn();
        server.diesAtLaunch = true;

        assertThatThrownBy(server::start).isInstanceOf(InfrastructureException.class)
                .hasMessage("standin stopped before it accepted connections (its log)");
        assertThat(server.state()).isEqualTo(State.CRASHED);
    }

    @Test
    @DisplayName("a server that never answers fails after the start timeout")
    void neverAnswers() {
        StandIn server = new StandIn();
        server.pollsBeforeAnswering = Integer.MAX_VALUE;

        assertThatThrownBy(server::start).isInstanceOf(InfrastructureException.class)
                .hasMessageContaining("did not accept connections within");
    }

    @Test
    @DisplayName("freeze pauses once, thaw resumes once; both do nothing when there is nothing to do")
    void freezeAndThaw() {
        StandIn server = running();
        server.thaw();
        server.freeze();
        server.freeze();
        assertThat(server.state()).isEqualTo(State.FROZEN);
        assertThat(server.isFrozen()).isTrue();
        assertThat(server.isRunning()).as("a frozen server is running").isTrue();

        server.thaw();
        server.thaw();

        assertThat(server.state()).isEqualTo(State.RUNNING);
        assertThat(server.calls).containsExactly("pause", "resume");
    }

    @Test
    @DisplayName("crash kills (a frozen server is thawed first); a crashed server is not frozen, paused or crashed again")
    void crash() {
        StandIn server = running();
        server.freeze();

        server.crash();

        assertThat(server.state()).isEqualTo(State.CRASHED);
        assertThat(server.isRunning()).isFalse();
        assertThat(server.isFrozen()).isFalse();
        server.crash();
        server.freeze();
        assertThat(server.calls).containsExactly("pause", "resume", "kill");
    }

    @Test
    @DisplayName("a server that ignores the kill is killed harder; one that survives even that is an error")
    void escalation() {
        StandIn server = running();
        server.ignoresKill = true;
        server.crash();
        assertThat(server.calls).containsExactly("kill", "forceKill");
        assertThat(server.state()).isEqualTo(State.CRASHED);

        StandIn immortal = running();
        immortal.ignoresKill = true;
        immortal.survivesForceKill = true;
        assertThatThrownBy(immortal::crash).isInstanceOf(IllegalStateException.class).hasMessageContaining("did not stop");
    }

    @Test
    @DisplayName("restart stops a live server cleanly (thawed first) and launches it again; a crashed one is just launched")
    void restart() {
        StandIn server = running();
        server.freeze();
        server.restart();
        assertThat(server.calls).containsExactly("pause", "resume", "stop", "launch");
        assertThat(server.state()).isEqualTo(State.RUNNING);

        server.calls.clear();
        server.crash();
        server.restart();
        assertThat(server.calls).containsExactly("kill", "launch");
        assertThat(server.state()).isEqualTo(State.RUNNING);

        server.calls.clear();
        server.ignoresStop = true;
        server.restart();
        assertThat(server.calls).as("a clean stop that hangs ends in a kill").containsExactly("stop", "forceKill", "launch");
    }

    @Test
    @DisplayName("a server that died on its own counts as crashed, and restart brings it back")
    void diedOnItsOwn() {
        StandIn server = running();
        server.alive = false;

        assertThat(server.state()).isEqualTo(State.CRASHED);
        server.restart();
        assertThat(server.calls).containsExactly("launch");
    }

    @Test
    @DisplayName("close thaws, kills and releases once; afterwards faults do nothing and restart refuses")
    void close() {
        StandIn server = running();
        server.freeze();

        server.close();
        server.close();

        assertThat(server.state()).isEqualTo(State.CLOSED);
        assertThat(server.calls).containsExactly("pause", "resume", "kill", "release");
        assertThat(server.releasedStopped).isTrue();
        assertThat(server.isRunning()).isFalse();
        assertThat(server.isFrozen()).isFalse();
        server.freeze();
        server.thaw();
        server.crash();
        assertThat(server.calls).hasSize(4);
        assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
    }

    @Test
    @DisplayName("close of a server that will not die tells the backend, which may keep its traces for the reaper")
    void closeOfASurvivor() {
        StandIn server = running();
        server.ignoresKill = true;
        server.survivesForceKill = true;

        server.close();

        assertThat(server.releasedStopped).isFalse();
        assertThat(server.state()).isEqualTo(State.CLOSED);
    }

    @Test
    @DisplayName("a server that was never started is closed without a kill")
    void closeUnstarted() {
        StandIn server = new StandIn();
        server.close();
        assertThat(server.calls).containsExactly("release");
        assertThat(server.releasedStopped).isTrue();
    }
}
