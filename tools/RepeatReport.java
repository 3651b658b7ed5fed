import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The summary of {@code tools/repeat-tests}: reads the Surefire reports of every run
 * ({@code DIR/run-N/TEST-*.xml}) and prints each test that failed at least once or took more
 * than 5 s, worst first. Run as a source file: {@code java tools/RepeatReport.java DIR RUNS}.
 * Exit status 1 when any test failed in any run, or a run left no report.
 */
public class RepeatReport {

    private static final double SLOW_SECONDS = 5;

    /** One test over all runs. */
    static final class Test {
        final String name;
        final List<Double> seconds = new ArrayList<>();
        int failed;
        String firstFailure = "";

        Test(String name) {
            this.name = name;
        }

        double median() {
            List<Double> sorted = seconds.stream().sorted().toList();
            int n = sorted.size();
            return n == 0 ? 0 : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        double slowest() {
            return seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        Map<String, Test> tests = new TreeMap<>();
        List<Integer> withoutReport = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            List<Path> reports = reports(folder.resolve("run-" + run));
            if (reports.isEmpty()) {
                withoutReport.add(run);
            }
            for (Path report : reports) {
                NodeList cases = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
                        .getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    Element testCase = (Element) cases.item(i);
                    String name = testCase.getAttribute("classname") + "." + testCase.getAttribute("name");
                    Test test = tests.computeIfAbsent(name, Test::new);
                    String time = testCase.getAttribute("time").replace(",", "");
                    test.seconds.add(time.isEmpty() ? 0 : Double.parseDouble(time));
                    Element problem = first(testCase, "failure", "error");
                    if (problem != null) {
                        test.failed++;
                        if (test.firstFailure.isEmpty()) {
                            String message = problem.getAttribute("message").lines().findFirst().orElse("");
                            test.firstFailure = message.length() > 120 ? message.substring(0, 120) + "..." : message;
                        }
                    }
                }
            }
        }
        List<Test> flaky = tests.values().stream().filter(t -> t.failed > 0).toList();
        System.out.printf(Locale.ROOT, "%n%d tests over %d runs; %d failed at least once%n", tests.size(), runs, flaky.size());
        tests.values().stream().filter(t -> t.failed > 0 || t.slowest() > SLOW_SECONDS)
                .sorted(Comparator.comparingInt((Test t) -> -t.failed).thenComparingDouble(t -> -t.slowest()))
                .forEach(t -> System.out.printf(Locale.ROOT, "  %3d/%-3d failed  median %6.2fs  slowest %6.2fs  %s  %s%n",
                        t.failed, t.seconds.size(), t.median(), t.slowest(), t.name, t.firstFailure));
        if (!withoutReport.isEmpty()) {
            System.out.println("runs that left no Surefire report (the build failed before the tests; see run-N.log): "
                    + withoutReport);
        }
        System.exit(flaky.isEmpty() && withoutReport.isEmpty() ? 0 : 1);
    }

    private static Element first(Element parent, String... names) {
        for (String name : names) {
            NodeList found = parent.getElementsByTagName(name);
            if (found.getLength() > 0) {
                return (Element) found.item(0);
            }
        }
        return null;
    }

    private static List<Path> reports(Path run) throws IOException {
        if (!Files.isDirectory(run)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(run)) {
            return files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
        }
    }
}
