package dev.dbkata.captheorem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.UUID;

/**
 * Sells seats on the primary, which waits for a quorum of standbys at each commit
 * ({@code synchronous_standby_names = 'ANY 1 (...)'}, {@code synchronous_commit = on}), and tells
 * the buyer only what it can defend.
 */
public final class TicketSeller {

    private final String primaryUrl;
    private final SellerSettings settings;

    public TicketSeller(String primaryUrl, SellerSettings settings) {
        this.primaryUrl = primaryUrl;
        this.settings = settings;
    }

    /**
     * Sells {@code seat} to {@code buyer}: in one transaction, takes the seat only if it is still
     * free ({@code seats.buyer IS NULL}), writing the buyer and a new sale id, then commits. Every
     * statement, the COMMIT's wait for the standbys included, gives up after {@code quorumWait}.
     *
     * @return SOLD when the commit returned plainly; UNCONFIRMED when the COMMIT returned with the
     *         warning that the wait for the standbys was cancelled (it committed locally); TAKEN when
     *         the seat had a buyer already; FAILED when the sale ended before COMMIT was sent (a
     *         cancelled statement, SQLSTATE 57014, or any other error) or the server answered COMMIT
     *         with an error; UNKNOWN when no answer to COMMIT came back
     */
    public Sale sell(String seat, String buyer) {
        UUID saleId = UUID.randomUUID();
        int timeoutSeconds = (int) settings.quorumWait().toSeconds();
        Connection connection;
        try {
            // The socket must outlast a cancelled wait's answer.
            connection = Jdbc.open(primaryUrl, settings.quorumWait().plus(settings.connectTimeout()));
        } catch (SQLException e) {
            return new Sale(seat, buyer, saleId, SaleOutcome.FAILED, "could not connect: " + e.getMessage());
        }
        try (connection) {
            int taken;
            try (Statement begin = connection.createStatement();
                 PreparedStatement take = connection.prepareStatement(
                         "UPDATE seats SET buyer = ?, sale_id = ? WHERE seat = ? AND buyer IS NULL")) {
                begin.execute("BEGIN");
                take.setString(1, buyer);
                take.setObject(2, saleId);
                take.setString(3, seat);
                take.setQueryTimeout(timeoutSeconds);
                taken = take.executeUpdate();
            } catch (SQLException e) {
                // COMMIT was never sent: whatever happened, the server rolls this transaction back.
                return new Sale(seat, buyer, saleId, SaleOutcome.FAILED, describe(e));
            }
            if (taken == 0) {
                try (Statement rollback = connection.createStatement()) {
                    rollback.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // Nothing was written either way.
                }
                return new Sale(seat, buyer, saleId, SaleOutcome.TAKEN, "the seat has a buyer already");
            }
            try (Statement commit = connection.createStatement()) {
                commit.setQueryTimeout(timeoutSeconds);
                commit.execute("COMMIT");
                String cancelledWait = cancelledWait(commit.getWarnings());
                if (cancelledWait != null) {
                    return new Sale(seat, buyer, saleId, SaleOutcome.UNCONFIRMED, cancelledWait);
                }
                return new Sale(seat, buyer, saleId, SaleOutcome.SOLD, null);
            } catch (SQLException e) {
                if (isConnectionLoss(e)) {
                    return new Sale(seat, buyer, saleId, SaleOutcome.UNKNOWN,
                            "no answer to COMMIT (" + describe(e) + "): the server may still commit");
                }
                // The server answered COMMIT with an error: the transaction was rolled back.
                return new Sale(seat, buyer, saleId, SaleOutcome.FAILED, describe(e));
            }
        } catch (SQLException closing) {
            // Only close() can get here, after the outcome was decided; report what we know.
            return new Sale(seat, buyer, saleId, SaleOutcome.UNKNOWN, describe(closing));
        }
    }

    /** The server's warning that it stopped waiting for the standbys after committing locally, if any. */
    private static String cancelledWait(SQLWarning warning) {
        for (SQLWarning w = warning; w != null; w = w.getNextWarning()) {
            String message = String.valueOf(w.getMessage());
            if (message.contains("committed locally") || message.contains("synchronous replication")) {
                return message;
            }
        }
        return null;
    }

    private static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08");
    }

    private static String describe(SQLException e) {
        return e.getSQLState() + " " + e.getMessage();
    }
}
