package dev.dbkata.testkit.backend;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server settings every PostgreSQL of the kata runs with, plus a topology's own.
 *
 * <p>Settings are written into {@code postgresql.conf}, never passed on the command line: a
 * command-line setting silently beats {@code ALTER SYSTEM}, and exercises on tuning need
 * {@code ALTER SYSTEM} to work as it does in production.
 */
public final class PostgresConfig {

    /**
     * The {@code application_name} of every connection the testkit makes for itself (readiness
     * checks, the nodes' SQL helpers, healing, data resets). The statement log names it on each
     * line (see {@link #LOG_LINE_PREFIX}), which is how the statements a test's code sent are told
     * from the testkit's own.
     */
    public static final String TESTKIT_APPLICATION = "dbkata-testkit";

    /**
     * Each log line starts with the time, the backend's pid and, for client sessions only, its
     * {@code application_name}: {@code 2026-11-27 15:59:00.123 UTC [4242] app=orders-api: LOG:  ...}.
     */
    public static final String LOG_LINE_PREFIX = "%m [%p] %qapp=%a: ";

    private final Map<String, String> settings;
    private final java.util.Set<String> overridden;

    private PostgresConfig(Map<String, String> settings, java.util.Set<String> overridden) {
        this.settings = Collections.unmodifiableMap(settings);
        this.overridden = java.util.Set.copyOf(overridden);
    }

    /** The kata's defaults, then {@code overrides} on top (later wins). */
    public static PostgresConfig withOverrides(Map<String, String> overrides) {
        Map<String, String> all = new LinkedHashMap<>(defaults());
        overrides.forEach((key, value) -> all.put(checkedName(key), checkedValue(key, value)));
        // Statement counts are the testkit's proof; a topology's own libraries come in addition.
        String libraries = all.get("shared_preload_libraries");
        if (!java.util.Arrays.asList(libraries.split("\\s*,\\s*")).contains("pg_stat_statements")) {
            all.put("shared_preload_libraries", "pg_stat_statements" + (libraries.isBlank() ? "" : ", " + libraries));
        }
        return new PostgresConfig(all, overrides.keySet());
    }

    /**
     * Parses {@code name=value} pairs as written on the topology annotations.
     *
     * @throws IllegalArgumentException naming the pair that has no {@code =}
     */
    public static Map<String, String> parsePairs(String... pairs) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("A server setting must read name=value, such as"
                        + " \"work_mem=64MB\", but was \"" + pair + "\"");
            }
            parsed.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return parsed;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        // Test servers are thrown away: durability buys nothing and costs time.
        d.put("fsync", "off");
        d.put("full_page_writes", "off");
        // PostgreSQL's own default, stated because some launchers (zonky's) turn it off, which
        // would make a synchronous standby silently asynchronous.
        d.put("synchronous_commit", "on");
        d.put("shared_preload_libraries", "pg_stat_statements");
        d.put("pg_stat_statements.track", "all");
        d.put("compute_query_id", "on");
        d.put("max_connections", "100");
        d.put("max_prepared_transactions", "20");
        d.put("shared_buffers", "32MB");
        d.put("timezone", "UTC");
        d.put("log_timezone", "UTC");
        d.put("datestyle", "iso, mdy");
        d.put("lc_messages", "C");
        // Every statement a client sends is logged with its session's application_name, so that a
        // failing test can show what the database saw from the code under test. Parameters of
        // prepared statements are logged too, each cut at 200 bytes.
        d.put("log_statement", statementLogWanted() ? "all" : "none");
        d.put("log_line_prefix", LOG_LINE_PREFIX);
        d.put("log_parameter_max_length", "200");
        // Streaming replication. Twice the default senders: every pg_basebackup -X stream takes two.
        d.put("wal_level", "replica");
        d.put("max_wal_senders", "20");
        d.put("max_replication_slots", "20");
        d.put("hot_standby", "on");
        // A replica that loses its primary retries quickly instead of every 5 s.
        d.put("wal_retrieve_retry_interval", "100ms");
        // Enough WAL for a replica that a test crashed or froze to catch up, small enough for RAM
        // disks: data directories live in /dev/shm where there is one.
        d.put("wal_keep_size", "64MB");
        d.put("max_wal_size", "128MB");
        d.put("wal_receiver_status_interval", "1s");
        return d;
    }

    /**
     * Whether servers log every statement: yes, unless {@code -Dkata.statementLog=off} or the
     * environment's {@code KATA_STATEMENT_LOG=off} says no (failing tests then show no SQL).
     */
    static boolean statementLogWanted() {
        String setting = System.getProperty("kata.statementLog", System.getenv("KATA_STATEMENT_LOG"));
        return setting == null || !setting.trim().equalsIgnoreCase("off");
    }

    private static String checkedName(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
            throw new IllegalArgumentException("\"" + name + "\" is not a PostgreSQL setting name");
        }
        return name;
    }

    private static String checkedValue(String name, String value) {
        if (value == null || value.contains("\n") || value.contains("\r")) {
            throw new IllegalArgumentException("The value of " + name + " must be one line of text");
        }
        return value;
    }

    public Map<String, String> settings() {
        return settings;
    }

    /** Whether the topology set {@code name} itself, rather than taking the kata's default. */
    public boolean isOverridden(String name) {
        return overridden.contains(name);
    }

    /** The settings as lines of {@code postgresql.conf}, values quoted as the file wants them. */
    public String asConfigFile() {
        StringBuilder out = new StringBuilder("\n# Written by the kata's testkit.\n");
        settings.forEach((name, value) -> out.append(name).append(" = ").append(quote(value)).append('\n'));
        return out.toString();
    }

    /** Quotes a value for {@code postgresql.conf}: single quotes, inner ones doubled. */
    public static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
