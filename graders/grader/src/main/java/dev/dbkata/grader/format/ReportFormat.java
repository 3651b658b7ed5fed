package dev.dbkata.grader.format;

import java.util.Locale;

import dev.dbkata.grader.GradingException;
import dev.dbkata.grader.Report;

/** The ways a report can be written: {@code --format text|json|markdown|junit|exercism|html}. */
public enum ReportFormat {
    TEXT(new TextReport()),
    JSON(new JsonReport()),
    MARKDOWN(new MarkdownReport()),
    JUNIT(new JunitXmlReport()),
    EXERCISM(new ExercismReport()),
    HTML(new HtmlReport());

    /** Renders a whole report as one string. */
    public interface Renderer {
        String render(Report report);
    }

    private final Renderer renderer;

    ReportFormat(Renderer renderer) {
        this.renderer = renderer;
    }

    public String render(Report report) {
        return renderer.render(report);
    }

    public static ReportFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GradingException("unknown --format " + name + ": use text, json, markdown, junit, exercism or html");
        }
    }
}
