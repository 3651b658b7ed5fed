package dev.dbkata.grader.format;

import java.util.Locale;

import dev.dbkata.grader.Report;

/**
 * What the HTML reports share: escaping (every text a report shows came from a learner's code, a
 * test or a file, so all of it is escaped) and the one inline style sheet. A page needs nothing
 * else: no script, no font, no image, nothing fetched.
 */
public final class Html {

    private Html() {
    }

    /** Text made safe for an element's content or a quoted attribute. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters other than tab and newlines would make the page invalid.
                    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The start of a page, up to and with the opening body tag. */
    public static String head(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                + "<title>" + escape(title) + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n";
    }

    public static String tail() {
        return "</body>\n</html>\n";
    }

    /** A bar with the percentage written on it. */
    public static String bar(Report.Points points) {
        if (points.possible() == 0) {
            return "<span class=\"muted\">no tasks yet</span>";
        }
        return String.format(Locale.ROOT,
                "<span class=\"bar\"><span class=\"fill\" style=\"width:%.1f%%\"></span></span> %d/%d (%.1f%%)",
                points.percent(), points.earned(), points.possible(), points.percent());
    }

    private static final String STYLE = """
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d232a;background:#fff}
            h1{font-size:1.6rem;margin:.2rem 0 1rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:1px solid #d5dbe1;padding-bottom:.3rem}
            table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #d5dbe1;padding:.35rem .5rem;text-align:left;vertical-align:top}
            th{background:#f2f4f7}td.num,th.num{text-align:right;white-space:nowrap}
            .bar{display:inline-block;width:10rem;height:.8rem;background:#e6e9ee;border-radius:.4rem;overflow:hidden;vertical-align:middle}
            .fill{display:block;height:100%;background:#2f9e44}
            .status{font-weight:600;white-space:nowrap}.passed{color:#217a35}.failed,.error,.timeout{color:#b42318}.skipped{color:#8a6100}
            td.passed{background:#ebf8ee}td.failed,td.error,td.timeout{background:#fdeceb}td.skipped{background:#fff6de}
            pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;border:1px solid #e1e5ea;padding:.5rem;margin:.3rem 0;font-size:13px}
            details{margin:.3rem 0}summary{cursor:pointer}.muted{color:#66707a}.problem{border-left:4px solid #b42318;padding-left:.6rem}
            code{font-size:13px}.sql td{font-family:ui-monospace,monospace;font-size:12.5px}
            """;
}
