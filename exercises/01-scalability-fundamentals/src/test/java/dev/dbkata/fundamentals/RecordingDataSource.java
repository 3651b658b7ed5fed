package dev.dbkata.fundamentals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

/**
 * A data source that remembers every query the code under test ran, with its parameters, so the
 * test can ask the server for the plan of exactly that query ({@code EXPLAIN ANALYZE}).
 */
final class RecordingDataSource {

    /** One query as it was run: its SQL and its parameters in order. */
    record Query(String sql, List<Object> params) {
        @Override
        public String toString() {
            return sql + (params.isEmpty() ? "" : "  -- parameters " + params);
        }
    }

    private final DataSource target;
    private final List<Query> queries = new CopyOnWriteArrayList<>();

    RecordingDataSource(DataSource target) {
        this.target = target;
    }

    DataSource dataSource() {
        return proxy(DataSource.class, target, (method, args, result) ->
                result instanceof Connection c ? connection(c) : result);
    }

    /** The queries recorded since the last call, and forgets them. */
    List<Query> takeQueries() {
        List<Query> taken = new ArrayList<>(queries);
        queries.removeAll(taken);
        return taken;
    }

    private Connection connection(Connection c) {
        return proxy(Connection.class, c, (method, args, result) -> {
            if (method.getName().equals("prepareStatement") && result instanceof PreparedStatement ps) {
                return prepared(ps, (String) args[0]);
            }
            if (method.getName().equals("createStatement") && result instanceof Statement s) {
                return plain(s);
            }
            return result;
        });
    }

    private PreparedStatement prepared(PreparedStatement ps, String sql) {
        Map<Integer, Object> params = new TreeMap<>();
        return proxy(PreparedStatement.class, ps, new After() {
            @Override
            public Object before(Method method, Object[] args) {
                String name = method.getName();
                if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer index) {
                    params.put(index, args[1]);
                } else if (name.equals("clearParameters")) {
                    params.clear();
                } else if (name.equals("executeQuery") && (args == null || args.length == 0)) {
                    queries.add(new Query(sql, List.copyOf(new ArrayList<>(params.values()))));
                }
                return null;
            }

            @Override
            public Object after(Method method, Object[] args, Object result) {
                return result;
            }
        });
    }

    private Statement plain(Statement s) {
        return proxy(Statement.class, s, new After() {
            @Override
            public Object before(Method method, Object[] args) {
                if (method.getName().equals("executeQuery") && args != null && args.length == 1) {
                    queries.add(new Query((String) args[0], List.of()));
                }
                return null;
            }

            @Override
            public Object after(Method method, Object[] args, Object result) {
                return result;
            }
        });
    }

    /** What a proxy does around each call to its target. */
    private interface After {
        default Object before(Method method, Object[] args) {
            return null;
        }

        Object after(Method method, Object[] args, Object result) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, After around) {
        return (T) Proxy.newProxyInstance(RecordingDataSource.class.getClassLoader(), new Class<?>[] {type},
                (p, method, args) -> {
                    around.before(method, args);
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return around.after(method, args, result);
                });
    }
}
