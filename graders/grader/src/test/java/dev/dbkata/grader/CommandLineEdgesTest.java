package dev.dbkata.grader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edges of the command line: --help per command, unknown names, ASCII terminals. */
class CommandLineEdgesTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());

    @Test
    @DisplayName("--help works for every command, wherever it stands, even where an option expects a value")
    void helpForEveryCommand(@TempDir Path folder) {
        String repo = FixtureKata.copyTo(folder.resolve("kata")).root().toString();
        for (String command : List.of("grade", "verify", "list", "hint", "new", "names")) {
            out.reset();
            assertThat(main.run(new String[] {command, "--repo", repo, "--help"})).as(command).isEqualTo(Main.OK);
            assertThat(out.toString(StandardCharsets.UTF_8)).as(command).startsWith("usage:").contains("--help");
        }
        out.reset();
        assertThat(main.run(new String[] {"grade", "--output", "--help"})).isEqualTo(Main.OK);
        assertThat(main.run(new String[] {"grade", "--format", "-h"})).isEqualTo(Main.OK);
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("needs a value");
    }

    @Test
    @DisplayName("the kata script: test --help prints the usage of test and builds nothing")
    void scriptTestHelp() throws Exception {
        Path script = Path.of("../../kata").toAbsolutePath().normalize();
        for (String help : List.of("--help", "-h")) {
            Process process = new ProcessBuilder("sh", script.toString(), "test", "04-partitioning", help)
                    .redirectErrorStream(true).start();
            String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(printed).isZero();
            assertThat(printed).startsWith("usage: ./kata test EXERCISE [TASK]").doesNotContain("building");
        }
    }

    @Test
    @DisplayName("a command's help shows its own usage lines and the options they name, no other command's")
    void helpIsPerCommand() {
        String grade = Help.of("grade");
        assertThat(grade).startsWith("usage: kata grade").contains("[--format").contains("--fail-under PCT")
                .contains("exit 1 when the score is below").contains("--ascii").contains("--verbose, -v")
                .doesNotContain("kata verify").doesNotContain("  --mistakes ");
        String verify = Help.of("verify");
        assertThat(verify).contains("kata verify [EXERCISE...]").contains("kata verify --mistakes")
                .contains("--mistakes  ").doesNotContain("kata grade").doesNotContain("--fail-under");
        assertThat(Help.of("hint")).startsWith("usage: kata hint EXERCISE [TASK]").doesNotContain("--target");
        assertThat(Help.of("help")).as("the whole text for kata --help").isEqualTo(Arguments.USAGE);
        String joined = Arguments.USAGE + "\n\n" + """
                usage: kata grade --submissions DIR|FILE [EXERCISE...] [--jobs N]
                       kata reset EXERCISE [TASK] [--yes]""";
        assertThat(Help.of(joined, "grade")).as("several usage texts joined: every block's lines of the command")
                .contains("usage: kata grade  [EXERCISE...]").contains("\n       kata grade --submissions DIR|FILE")
                .doesNotContain("kata reset");
        assertThat(Help.of(joined, "reset")).startsWith("usage: kata reset EXERCISE [TASK] [--yes]\n\noptions:\n  --ascii");
    }

    @Test
    @DisplayName("an unknown exercise or task: one wording, the closest match and the list of what exists")
    void unknownNames(@TempDir Path folder) {
        KataRepository kata = FixtureKata.copyTo(folder.resolve("kata"));
        String repo = kata.root().toString();

        for (String[] args : List.of(new String[] {"grade", "02-faling"}, new String[] {"verify", "02-faling"},
                new String[] {"list", "02-faling"}, new String[] {"hint", "02-faling"}, new String[] {"names", "02-faling"},
                new String[] {"verify", "--mistakes", "02-faling"})) {
            err.reset();
            String[] withRepo = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
                    "--repo", repo)).toArray(String[]::new);
            assertThat(main.run(withRepo)).as(String.join(" ", args)).isEqualTo(Main.UNUSABLE);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(String.join(" ", args))
                    .startsWith("kata: there is no exercise 02-faling. Did you mean 02-failing?\nThe exercises: 01-passing, 02-failing")
                    .doesNotContain("Database backend");
        }
        for (String[] args : List.of(new String[] {"hint", "02-failing", "halfing"},
                new String[] {"names", "02-failing", "halfing"})) {
            err.reset();
            assertThat(main.run(new String[] {args[0], args[1], args[2], "--repo", repo})).isEqualTo(Main.UNUSABLE);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .startsWith("kata: 02-failing has no task halfing. Did you mean halving?\nIts tasks: ")
                    .contains("doubling").contains("(./kata list 02-failing shows them)");
        }
        assertThat(main.run(new String[] {"names", "02-failing", "halving", "--repo", repo})).isEqualTo(Main.OK);
    }

    @Test
    @DisplayName("the closest name: a prefix or part of it, or a few edits away; nothing when nothing is close")
    void closest() {
        List<String> exercises = List.of("01-scalability-fundamentals", "04-partitioning", "05-sharding", "06-replication");
        assertThat(Names.closest("04", exercises)).hasValue("04-partitioning");
        assertThat(Names.closest("sharding", exercises)).hasValue("05-sharding");
        assertThat(Names.closest("partitoning", exercises)).as("a typo, without the number").hasValue("04-partitioning");
        assertThat(Names.closest("04-partition", exercises)).hasValue("04-partitioning");
        assertThat(Names.closest("04-partiton", exercises)).as("cut short, with a typo").hasValue("04-partitioning");
        assertThat(Names.closest("replicaton", exercises)).hasValue("06-replication");
        assertThat(Names.closest("ab", exercises)).isEmpty();
        assertThat(Names.closest("caching", exercises)).isEmpty();
        assertThat(Names.closest("Range", List.of("list-by-region", "range-by-month"))).hasValue("range-by-month");
        assertThat(Names.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    @DisplayName("plain ASCII where LC_ALL, LC_CTYPE or LANG (the first set) is not UTF-8, or with --ascii")
    void asciiWhereTheTerminalIsNotUtf8() {
        assertThat(Terminal.of(Map.of("LANG", "en_US.UTF-8")).ascii()).isFalse();
        assertThat(Terminal.of(Map.of("LANG", "C.utf8")).ascii()).isFalse();
        assertThat(Terminal.of(Map.of("LANG", "en_US.UTF-8"), "grade", "--ascii").ascii()).isTrue();
        assertThat(Terminal.of(Map.of("LC_ALL", "C", "LANG", "en_US.UTF-8")).ascii()).as("LC_ALL wins").isTrue();
        assertThat(Terminal.of(Map.of("LC_CTYPE", "POSIX")).ascii()).isTrue();
        assertThat(Terminal.of(Map.of()).ascii()).as("nothing set is the C locale").isTrue();
        assertThat(Terminal.of(Map.of("LANG", "de_DE.ISO-8859-1")).ascii()).isTrue();
        assertThat(Terminal.of(Map.of(), "test", "-v").verbose()).isTrue();
        assertThat(Terminal.of(Map.of("LANG", "C.UTF-8")).passed()).isEqualTo("✓");
        assertThat(Terminal.of(Map.of()).passed()).isEqualTo("ok");
        assertThat(Terminal.of(Map.of()).failed()).isEqualTo("X");
    }

    @Test
    @DisplayName("in ASCII mode every line printed is ASCII: marks and punctuation spelled out, accents dropped")
    void asciiOutput() {
        assertThat(Terminal.toAscii("✓ reads — writes … ≤ 2 s → “ok” café ✗ 😀"))
                .isEqualTo("ok reads -- writes ... <= 2 s -> \"ok\" cafe X ?");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ascii = Terminal.of(Map.of("LANG", "C")).stream(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        ascii.println("Hint 1 of 2 — for 04-partitioning / retention:");
        ascii.print("✓ done");
        ascii.flush();
        for (byte b : bytes.toByteArray()) {
            assertThat(b).as("every byte is ASCII").isNotNegative();
        }
        assertThat(bytes.toString(StandardCharsets.US_ASCII))
                .isEqualTo("Hint 1 of 2 -- for 04-partitioning / retention:" + System.lineSeparator() + "ok done");
        PrintStream utf8 = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertThat(Terminal.of(Map.of("LANG", "C.UTF-8")).stream(utf8)).isSameAs(utf8);
    }

    @Test
    @DisplayName("kata list explains its marks, and flags progress whose code changed since the run, or no longer compiles")
    void listFlagsStaleProgress(@TempDir Path folder) throws Exception {
        KataRepository kata = FixtureKata.copyTo(folder.resolve("kata"));
        String repo = kata.root().toString();
        Path reports = kata.exercise("02-failing").resolve("target/surefire-reports");
        Files.createDirectories(reports);
        Files.writeString(reports.resolve("TEST-fixture.failing.DoublingTest.xml"), """
                <testsuite name="fixture.failing.DoublingTest">
                  <testcase classname="fixture.failing.DoublingTest" name="doubles"><failure message="TODO"/></testcase>
                </testsuite>
                """);
        Path code = kata.exercise("02-failing").resolve("src/main/java/fixture/failing/Doubler.java");
        FileTime run = Files.getLastModifiedTime(reports.resolve("TEST-fixture.failing.DoublingTest.xml"));
        Files.setLastModifiedTime(code, FileTime.fromMillis(run.toMillis() - 60_000));

        assertThat(main.run(new String[] {"list", "--repo", repo})).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("[-] doubling").contains("0/2 tasks, 0/3 points\n").doesNotContain("stale")
                .contains("[x] passed in your last test run   [-] failed in your last test run   [ ] not run yet");

        out.reset();
        Files.setLastModifiedTime(code, FileTime.fromMillis(run.toMillis() + 60_000));
        assertThat(main.run(new String[] {"list", "02-failing", "--repo", repo})).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("01-passing")
                .contains("0/2 tasks, 0/3 points (stale)\n    ! your code changed since these marks were made\n"
                        + "      run: ./kata test 02-failing to bring it up to date");

        out.reset();
        Files.writeString(reports.resolve("TEST-fixture.failing.HalvingTest.xml"), """
                <testsuite name="fixture.failing.HalvingTest">
                  <testcase classname="fixture.failing.HalvingTest" name="halvesZero"><failure message="TODO"/></testcase>
                </testsuite>
                """);
        Files.setLastModifiedTime(reports.resolve("TEST-fixture.failing.HalvingTest.xml"),
                FileTime.fromMillis(run.toMillis() + 120_000));
        assertThat(main.run(new String[] {"list", "02-failing", "--repo", repo})).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).as("one task run since the change does not vouch for the other")
                .contains("(stale)");

        out.reset();
        Files.setLastModifiedTime(reports.resolve("TEST-fixture.failing.DoublingTest.xml"),
                FileTime.fromMillis(run.toMillis() + 120_000));
        Files.writeString(reports.resolve("TEST-fixture.failing.RemovedTest.xml"), "<testsuite/>");
        Files.setLastModifiedTime(reports.resolve("TEST-fixture.failing.RemovedTest.xml"), FileTime.fromMillis(0));
        assertThat(main.run(new String[] {"list", "02-failing", "--repo", repo})).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).as("every task ran after the change; an old report of a removed"
                + " class marks nothing").doesNotContain("stale");

        out.reset();
        run = FileTime.fromMillis(run.toMillis() + 120_000);
        Files.writeString(code, Files.readString(code).replaceFirst("\\{", "{ int broken = ;"));
        Files.setLastModifiedTime(code, FileTime.fromMillis(run.toMillis() + 60_000));
        assertThat(main.run(new String[] {"list", "02-failing", "--repo", repo})).isEqualTo(Main.OK);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("    ! your code changed since these marks were made and no longer compiles: "
                        + "src/main/java/fixture/failing/Doubler.java:")
                .contains("      run: fix it, then ./kata test 02-failing");
    }

    @Test
    @DisplayName("--ascii and --verbose are accepted by every command and change nothing else")
    void flagsAreAccepted() {
        Arguments a = Arguments.parse(new String[] {"grade", "--ascii", "04-partitioning", "-v", "--verbose"});
        assertThat(a.exercises()).containsExactly("04-partitioning");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"grade", "--nope"})).hasMessageStartingWith("unknown option --nope.\n");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"grade", "--formt", "json"}))
                .hasMessageStartingWith("unknown option --formt. Did you mean --format?\nusage: kata grade");
    }
}
