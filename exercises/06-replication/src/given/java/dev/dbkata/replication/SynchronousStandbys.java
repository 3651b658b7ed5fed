package dev.dbkata.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which standbys the primary's commits wait for: its {@code synchronous_standby_names}, as the
 * router's configuration. The router cannot ask the primary at failover (it is gone), so it is
 * told, as a failover manager keeps this in its own store (Patroni's DCS, for one).
 *
 * <p>Every commit the primary acknowledged is on at least {@link #count()} of {@link #names()}:
 * {@code ANY k (a, b, c)} waits for any k of them; {@code FIRST k (a, b, c)} for the first k that
 * are connected, by priority, which are still k of the same names. The other replicas are
 * asynchronous: they may lack commits the primary acknowledged.
 *
 * @param count how many of the named standbys confirm each commit (k); 0 for an asynchronous
 *              cluster
 * @param names the standbys' names: the {@code application_name} each streams with, which is also
 *              its {@link DatabaseNode#name()}; empty for an asynchronous cluster
 */
public record SynchronousStandbys(int count, List<String> names) {

    private static final Pattern METHOD_FORM =
            Pattern.compile("(?i)\\s*(?:(FIRST|ANY)\\s+)?(\\d+)\\s*\\((.*)\\)\\s*");

    public SynchronousStandbys {
        names = List.copyOf(names);
        if (names.stream().anyMatch(n -> n.isBlank() || n.equals("*"))) {
            throw new IllegalArgumentException("Name every synchronous standby (no blank names, no '*': the router"
                    + " must know which nodes hold the acknowledged commits), not " + names);
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("A synchronous standby is named twice: " + names);
        }
        if (names.isEmpty() ? count != 0 : count < 1 || count > names.size()) {
            throw new IllegalArgumentException("Commits wait for between 1 and " + names.size() + " of " + names
                    + ", not " + count);
        }
    }

    /** An asynchronous cluster: no commit waits for a standby. */
    public static SynchronousStandbys none() {
        return new SynchronousStandbys(0, List.of());
    }

    /**
     * Reads the primary's setting as {@code SHOW synchronous_standby_names} prints it:
     * {@code FIRST 1 (replica1)}, {@code ANY 2 (a, b, c)}, {@code 2 (a, b, c)} (FIRST), {@code a, b}
     * (FIRST 1), or empty (asynchronous). Double quotes around a name are removed.
     *
     * @throws IllegalArgumentException for {@code *} (any standby: the router could not tell which
     *                                  nodes to trust) and for anything else it cannot read
     */
    public static SynchronousStandbys parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return none();
        }
        Matcher method = METHOD_FORM.matcher(setting);
        int count = 1;
        String list = setting;
        if (method.matches()) {
            count = Integer.parseInt(method.group(2));
            list = method.group(3);
        } else if (setting.strip().toUpperCase(Locale.ROOT).matches("(FIRST|ANY)\\b.*")) {
            throw new IllegalArgumentException("Not a synchronous_standby_names value: " + setting);
        }
        List<String> names = new ArrayList<>();
        for (String name : list.split(",")) {
            String trimmed = name.strip();
            if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
                trimmed = trimmed.substring(1, trimmed.length() - 1);
            }
            names.add(trimmed);
        }
        return new SynchronousStandbys(count, names);
    }

    /** True when no commit waits for a standby. */
    public boolean isAsynchronous() {
        return names.isEmpty();
    }

    @Override
    public String toString() {
        return isAsynchronous() ? "asynchronous (no synchronous standby)"
                : count + " of (" + String.join(", ", names) + ")";
    }
}
