package dev.dbkata.captheorem;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Opening a connection whose every wait is bounded. */
public final class Jdbc {

    private Jdbc() {
    }

    /**
     * A new connection to {@code url} (user {@code postgres}) on which connecting, logging in and
     * waiting for any answer each give up after {@code timeout}, rounded up to whole seconds
     * (pgjdbc's {@code connectTimeout}, {@code loginTimeout} and {@code socketTimeout}). A server
     * behind a black hole then costs a {@link SQLException} (SQLState {@code 08001} or
     * {@code 08006}) after about {@code timeout}, never a hang. The caller closes it.
     *
     * <p>Mind the socket timeout: a statement that may legitimately wait longer than
     * {@code timeout} for its answer (a lock, a standby) needs a longer one.
     */
    public static Connection open(String url, Duration timeout) throws SQLException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("connectTimeout", Long.toString(seconds));
        properties.setProperty("loginTimeout", Long.toString(seconds));
        properties.setProperty("socketTimeout", Long.toString(seconds));
        properties.setProperty("ApplicationName", "dbkata-cap");
        return DriverManager.getConnection(url, properties);
    }
}
