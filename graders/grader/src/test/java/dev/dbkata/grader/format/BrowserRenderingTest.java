package dev.dbkata.grader.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser: headless Chromium (Debian's {@code chromium} package)
 * loads the file, its DOM is dumped and a screenshot taken. Where Chromium is missing the test
 * installs it with {@code apt-get install -y chromium} when it can (root, Debian or Ubuntu);
 * elsewhere it is skipped with a message that says what to install. {@code KATA_CHROMIUM} names
 * another browser binary.
 */
class BrowserRenderingTest {

    private static final String[] CANDIDATES = {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"};

    private static Path browser;

    @BeforeAll
    static void findOrInstallChromium() throws Exception {
        browser = find();
        if (browser == null && canInstall()) {
            Process apt = new ProcessBuilder("apt-get", "install", "-y", "-q", "chromium")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            apt.getOutputStream().close();
            if (apt.waitFor(10, TimeUnit.MINUTES) && apt.exitValue() != 0) {
                // The package lists may be missing (a fresh container): fetch them once and retry.
                run(List.of("apt-get", "update", "-q"), 10);
                run(List.of("apt-get", "install", "-y", "-q", "chromium"), 10);
            } else {
                apt.destroyForcibly();
            }
            browser = find();
        }
        Assumptions.assumeTrue(browser != null, "skipped: no Chromium to render the HTML report in, and it cannot be"
                + " installed here (needs root and apt-get). Install Chromium (Debian/Ubuntu: apt-get install chromium)"
                + " or set KATA_CHROMIUM to a Chromium or Chrome binary to run this check.");
    }

    @Test
    @DisplayName("Chromium renders the report: the DOM holds the scores, full messages and observed SQL; the screenshot shows red and green")
    void rendersInChromium(@TempDir Path folder) throws Exception {
        Path page = folder.resolve("grade.html");
        Files.writeString(page, ReportFormat.HTML.render(HtmlReportTest.REPORT));

        String dom = chromium(folder, "--dump-dom", page.toUri().toString());
        assertThat(dom).contains("5/8 points (62.5%)").contains("END-OF-MESSAGE")
                .contains("SHOW transaction_read_only").contains("What the database saw during this test");
        assertThat(dom).as("the escaped script stayed text, it did not become an element")
                .doesNotContain("<script>alert").contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;");

        Path png = folder.resolve("grade.png");
        chromium(folder, "--screenshot=" + png, "--window-size=1200,1600", page.toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG screenshot").isNotNull();
        assertThat(image.getWidth()).isEqualTo(1200);
        int red = 0;
        int green = 0;
        int dark = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                red += r > 150 && g < 80 && b < 80 ? 1 : 0;          // the failed status (#b42318)
                green += g > 120 && r < 80 && b < 100 ? 1 : 0;       // the score bars (#2f9e44)
                dark += r < 60 && g < 60 && b < 60 ? 1 : 0;          // text
            }
        }
        assertThat(red).as("red pixels: a failed task's status is visible").isGreaterThan(20);
        assertThat(green).as("green pixels: the score bars are visible").isGreaterThan(50);
        assertThat(dark).as("dark pixels: text is visible").isGreaterThan(500);
    }

    private static String chromium(Path folder, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + folder.resolve("profile"),
                "--hide-scrollbars"));
        command.addAll(List.of(args));
        Path output = folder.resolve("chromium-out.txt");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("Chromium did not finish within 120 s: " + command);
        }
        assertThat(process.exitValue()).as("Chromium's exit status for " + command).isZero();
        return Files.readString(output);
    }

    private static Path find() {
        String configured = System.getenv("KATA_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? Path.of(configured) : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(java.io.File.pathSeparator)) {
            for (String name : CANDIDATES) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static boolean canInstall() {
        boolean root = "root".equals(System.getProperty("user.name"));
        return root && Files.isExecutable(Path.of("/usr/bin/apt-get"));
    }

    private static void run(List<String> command, int minutes) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().close();
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
    }
}
