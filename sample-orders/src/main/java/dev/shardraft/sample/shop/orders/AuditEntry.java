package dev.shardraft.sample.shop.orders;

/**
 * One command as the order's rules decided it, kept with the order so that the committed state
 * itself shows how often each command was accepted (a command applied twice leaves two entries).
 *
 * @param index the log index the command was applied at
 * @param command the command's type name ({@code place}, {@code confirm}, {@code reject}, {@code
 *     pay}, {@code ship}, {@code cancel})
 * @param accepted whether the rules accepted it
 */
public record AuditEntry(long index, String command, boolean accepted) {}
