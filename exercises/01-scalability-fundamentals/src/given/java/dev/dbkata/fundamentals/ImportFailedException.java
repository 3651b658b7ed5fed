package dev.dbkata.fundamentals;

/**
 * An import that stopped at a bad line and imported nothing.
 *
 * <p>The line is counted in the file as a person would count it in an editor: the header is
 * line 1, the first data row line 2.
 */
public final class ImportFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long line;

    /**
     * @param line   the file line whose row could not be imported (1-based, header included)
     * @param reason what was wrong with it, in words (the server's message will do)
     * @param cause  the error behind it, if any
     */
    public ImportFailedException(long line, String reason, Throwable cause) {
        super("line " + line + ": " + reason + " (nothing was imported)", cause);
        if (line < 1) {
            throw new IllegalArgumentException("a file line is 1 or more, was " + line);
        }
        this.line = line;
    }

    /** The file line of the row that broke the import (the header is line 1). */
    public long line() {
        return line;
    }
}
