package dev.shardraft.sample.orders;

/**
 * One command as the order book decided it: kept with the order so that a replica's state shows how
 * often each command was applied (a command applied twice leaves two entries).
 *
 * @param index the log index the command was applied at
 * @param command the command's type name ({@code place}, {@code pay}, {@code ship}, {@code cancel})
 * @param accepted whether the business rules accepted it
 */
public record AuditEntry(long index, String command, boolean accepted) {}
