package dev.dbkata.captheorem;

/**
 * Sells seats on the primary, which waits for a quorum of standbys at each commit
 * ({@code synchronous_standby_names = 'ANY 1 (replica1, replica2)'}, {@code synchronous_commit = on}),
 * and tells the buyer only what it can defend. Safe for use by several threads.
 */
public final class TicketSeller {

    private final String primaryUrl;
    private final SellerSettings settings;

    /** The primary's JDBC URL; the seller opens a connection per sale. */
    public TicketSeller(String primaryUrl, SellerSettings settings) {
        this.primaryUrl = primaryUrl;
        this.settings = settings;
    }

    /**
     * Sells {@code seat} to {@code buyer}: in one transaction, takes the seat only if it is still
     * free ({@code seats.buyer IS NULL}), writing the buyer and a new sale id
     * ({@code seats.sale_id}), then commits. Every statement, the COMMIT's wait for the standbys
     * included, gives up after {@code quorumWait}. Never throws: every ending is an outcome.
     *
     * @return {@code SOLD} when COMMIT returned plainly (a standby confirmed it);
     *         {@code UNCONFIRMED} when COMMIT returned with the server's warning that the wait for
     *         the standbys was cancelled and the transaction committed locally;
     *         {@code TAKEN} when the seat had a buyer already (nothing written);
     *         {@code FAILED} when the sale ended before COMMIT was sent (a cancelled statement,
     *         SQLSTATE 57014, or any other error), or the server answered COMMIT with an error;
     *         {@code UNKNOWN} when no answer to COMMIT came back (the connection was lost)
     */
    public Sale sell(String seat, String buyer) {
        throw new UnsupportedOperationException("TODO(quorum-writes): take the seat only if free, commit with a bounded"
                + " wait for the quorum, and map each ending to SOLD, UNCONFIRMED, TAKEN, FAILED or UNKNOWN");
    }
}
