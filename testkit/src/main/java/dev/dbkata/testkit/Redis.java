package dev.dbkata.testkit;

/**
 * Starts Redis servers outside the JUnit extension:
 *
 * <pre>{@code
 * try (RedisNode redis = Redis.server().start()) { ... }
 * }</pre>
 */
public final class Redis {

    private Redis() {
    }

    /** One Redis server; close the node to stop it. */
    public static ServerBuilder server() {
        return new ServerBuilder();
    }

    /** Independent Redis servers (one unless told otherwise). */
    public static ServersBuilder servers() {
        return new ServersBuilder();
    }

    public static final class ServerBuilder {

        private ServerBuilder() {
        }

        public RedisNode start() {
            return RedisServers.start(Backends.current(), 1).node();
        }
    }

    public static final class ServersBuilder {

        private int count = 1;

        private ServersBuilder() {
        }

        public ServersBuilder withCount(int count) {
            this.count = count;
            return this;
        }

        public RedisServers start() {
            return RedisServers.start(Backends.current(), count);
        }
    }
}
