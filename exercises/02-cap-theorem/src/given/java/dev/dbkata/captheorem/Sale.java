package dev.dbkata.captheorem;

import java.util.UUID;

/**
 * One attempt to sell a seat.
 *
 * @param seat    the seat asked for
 * @param buyer   who asked
 * @param saleId  the id written with the sale ({@code seats.sale_id}), so the sale can be looked up later
 * @param outcome what the seller can defend
 * @param detail  why, in words (the server's message, the warning...)
 */
public record Sale(String seat, String buyer, UUID saleId, SaleOutcome outcome, String detail) {

    /** Whether the seller told the buyer the seat is theirs (it must then be on every node once the partition heals). */
    public boolean isSeatTaken() {
        return outcome == SaleOutcome.SOLD || outcome == SaleOutcome.UNCONFIRMED;
    }

    @Override
    public String toString() {
        return outcome + " seat " + seat + " to " + buyer + " (sale " + saleId + ")" + (detail == null ? "" : ": " + detail);
    }
}
