package dev.dbkata.captheorem;

/** The values of {@code synchronous_commit}, from the cheapest to the strongest. */
public enum SyncMode {

    /** The commit returns before its WAL is even flushed locally. */
    OFF("off", false),
    /** Flushed on the primary; standbys are not waited for. */
    LOCAL("local", false),
    /** The synchronous standbys have written the WAL (to the OS, not yet flushed). */
    REMOTE_WRITE("remote_write", true),
    /** The synchronous standbys have flushed the WAL. */
    ON("on", true),
    /** The synchronous standbys have replayed the commit: a read there sees it. */
    REMOTE_APPLY("remote_apply", true);

    private final String setting;
    private final boolean remote;

    SyncMode(String setting, boolean remote) {
        this.setting = setting;
        this.remote = remote;
    }

    /** The value to give {@code synchronous_commit}. */
    public String setting() {
        return setting;
    }

    /** Whether a commit in this mode waits for a standby's answer (a network round trip). */
    public boolean isRemote() {
        return remote;
    }
}
