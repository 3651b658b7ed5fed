package dev.dbkata.grader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the kata prints: in UTF-8 (marks such as ✓ ✗ — …), or in plain ASCII where the terminal is
 * not UTF-8 or {@code --ascii} asks for it; and whether {@code --verbose} / {@code -v} asks for
 * the details (the backend's reasons, each Docker endpoint tried).
 *
 * <p>Whether the terminal is UTF-8 is read as the C library does: the first of {@code LC_ALL},
 * {@code LC_CTYPE} and {@code LANG} that is set decides; none set is the C locale, which is ASCII.
 * In ASCII mode every character the kata or a file it shows (a hint, a failure message) prints is
 * turned into ASCII on the way out: {@code ✓} becomes {@code ok}, {@code —} {@code --},
 * {@code …} {@code ...}, {@code é} {@code e}; what has no ASCII form becomes {@code ?}.
 *
 * @param ascii   print plain ASCII
 * @param verbose print the details
 */
public record Terminal(boolean ascii, boolean verbose) {

    /** The words that set how the kata prints; every command takes them. */
    public static final Set<String> FLAGS = Set.of("--ascii", "--verbose", "-v");

    /** The system property that carries {@code --verbose} on to the testkit (and the test JVMs). */
    public static final String VERBOSE_PROPERTY = "kata.verbose";

    private static final Map<Character, String> ASCII = Map.ofEntries(
            Map.entry('✓', "ok"), Map.entry('✔', "ok"), Map.entry('✅', "ok"),
            Map.entry('✗', "X"), Map.entry('✘', "X"), Map.entry('❌', "X"),
            Map.entry('—', "--"), Map.entry('–', "-"), Map.entry('‐', "-"), Map.entry('‑', "-"), Map.entry('−', "-"),
            Map.entry('…', "..."), Map.entry('→', "->"), Map.entry('←', "<-"), Map.entry('↔', "<->"),
            Map.entry('⇒', "=>"), Map.entry('≤', "<="), Map.entry('≥', ">="), Map.entry('≠', "!="),
            Map.entry('≈', "~"), Map.entry('±', "+/-"), Map.entry('×', "x"), Map.entry('÷', "/"),
            Map.entry('·', "-"), Map.entry('•', "*"), Map.entry('“', "\""), Map.entry('”', "\""),
            Map.entry('„', "\""), Map.entry('‘', "'"), Map.entry('’', "'"), Map.entry('«', "\""),
            Map.entry('»', "\""), Map.entry('µ', "u"), Map.entry('°', " deg"), Map.entry('\u00a0', " "),
            Map.entry('\u202f', " "), Map.entry('\u2009', " "), Map.entry('▶', ">"), Map.entry('⚠', "!"),
            Map.entry('█', "#"), Map.entry('░', "."), Map.entry('ß', "ss"), Map.entry('æ', "ae"),
            Map.entry('ø', "o"), Map.entry('Ø', "O"), Map.entry('€', "EUR"), Map.entry('£', "GBP"));

    /** From the command's words and the environment (see the class comment). */
    public static Terminal of(Map<String, String> env, String... args) {
        List<String> words = Arrays.asList(args);
        boolean ascii = words.contains("--ascii") || !utf8(env);
        boolean verbose = words.contains("--verbose") || words.contains("-v");
        return new Terminal(ascii, verbose);
    }

    /** Whether the locale the environment names is UTF-8 (the first of LC_ALL, LC_CTYPE, LANG that is set). */
    static boolean utf8(Map<String, String> env) {
        for (String name : List.of("LC_ALL", "LC_CTYPE", "LANG")) {
            String value = env.get(name);
            if (value != null && !value.isEmpty()) {
                String lower = value.toLowerCase(Locale.ROOT);
                return lower.contains("utf-8") || lower.contains("utf8");
            }
        }
        return false;
    }

    /** The text as this terminal should get it. */
    public String text(String text) {
        return ascii ? toAscii(text) : text;
    }

    /** A mark for a test or task that passed: {@code ✓}, or {@code ok}. */
    public String passed() {
        return ascii ? "ok" : "✓";
    }

    /** A mark for a test or task that failed: {@code ✗}, or {@code X}. */
    public String failed() {
        return ascii ? "X" : "✗";
    }

    /**
     * A stream that prints through {@code target} as this terminal should get it (UTF-8, or every
     * line made ASCII). Written lines reach {@code target} whole, when they end or on flush.
     */
    public PrintStream stream(PrintStream target) {
        if (!ascii) {
            return target;
        }
        return new PrintStream(new AsciiLines(target), true, StandardCharsets.UTF_8);
    }

    /** Plain ASCII: the marks and punctuation above spelled out, accents dropped, anything else {@code ?}. */
    public static String toAscii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c < 0x80) {
                out.append((char) c);
                continue;
            }
            String known = c <= 0xFFFF ? ASCII.get((char) c) : null;
            if (known != null) {
                out.append(known);
                continue;
            }
            String bare = Normalizer.normalize(new String(Character.toChars(c)), Normalizer.Form.NFD)
                    .replaceAll("\\p{M}", "");
            out.append(bare.chars().allMatch(ch -> ch < 0x80) && !bare.isEmpty() ? bare : "?");
        }
        return out.toString();
    }

    /** Collects UTF-8 bytes up to a line's end (or a flush), then writes the line as ASCII. */
    private static final class AsciiLines extends OutputStream {
        private final OutputStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        AsciiLines(OutputStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') {
                drain();
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            drain();
            target.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        private void drain() throws IOException {
            if (line.size() == 0) {
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            target.write(toAscii(text).getBytes(StandardCharsets.US_ASCII));
        }
    }
}
