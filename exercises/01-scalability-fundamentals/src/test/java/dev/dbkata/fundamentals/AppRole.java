package dev.dbkata.fundamentals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dbkata.testkit.PostgresNode;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The application's own login: an ordinary role, as in production. When the server's slots run
 * out it is refused with SQLSTATE 53300, while the tests (superuser) still get in on the reserved
 * slots to look.
 */
final class AppRole {

    static final String NAME = "timesheet_app";
    static final String PASSWORD = "timesheet";

    private AppRole() {
    }

    /** Creates the role (the testkit drops roles between tests) with the rights the app needs on public. */
    static void create(PostgresNode node) {
        node.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + NAME + "') THEN"
                + " CREATE ROLE " + NAME + " LOGIN PASSWORD '" + PASSWORD + "'; END IF; END $$;"
                + " GRANT USAGE, CREATE ON SCHEMA public TO " + NAME);
    }

    /** Makes the app role own {@code table}, as it would own the tables of its schema. */
    static void owns(PostgresNode node, String table) {
        node.execute("ALTER TABLE " + table + " OWNER TO " + NAME);
    }

    static AppDatabase database(PostgresNode node, String applicationName, int maxConnections) {
        return new AppDatabase(node.jdbcUrl(), NAME, PASSWORD, applicationName, maxConnections);
    }

    /** Unpooled: every getConnection() opens a new server session as the app role. */
    static DataSource dataSource(PostgresNode node, String applicationName) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(node.jdbcUrl());
        ds.setUser(NAME);
        ds.setPassword(PASSWORD);
        ds.setApplicationName(applicationName);
        ds.setConnectTimeout(5);
        return ds;
    }

    /** A small pool of app-role connections, for tests that run many short queries. */
    static HikariDataSource pool(PostgresNode node, String applicationName, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("test-" + applicationName);
        config.setDataSource(dataSource(node, applicationName));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    static Connection connect(PostgresNode node, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", NAME);
        props.setProperty("password", PASSWORD);
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(node.jdbcUrl(), props);
    }
}
