package dev.dbkata.testkit.embedded;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds the command line of a JVM that runs one of the test classes' {@code main} methods. */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Same classpath and kata directories as this JVM; the coverage agent too when this JVM has
     * one, so that what the child runs counts in the report.
     */
    static List<String> command(Class<?> mainClass, String... systemProperties) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("-javaagent:") && arg.contains("jacoco"))
                .forEach(command::add);
        command.add("-Dkata.backend=embedded");
        for (String property : List.of("kata.cache.dir", "kata.run.dir")) {
            boolean overridden = Arrays.stream(systemProperties).anyMatch(p -> p.startsWith(property + "="));
            if (System.getProperty(property) != null && !overridden) {
                command.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        for (String property : systemProperties) {
            command.add("-D" + property);
        }
        command.add(mainClass.getName());
        return command;
    }
}
