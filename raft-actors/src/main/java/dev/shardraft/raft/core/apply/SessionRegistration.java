package dev.shardraft.raft.core.apply;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a registration entry carries and what its client is told (thesis §6.3).
 *
 * <p>A client registers by submitting a command with sequence {@value #SEQUENCE} and any client
 * name (its {@code clientId}; a retry uses the same name). The leader that appends it puts its
 * {@code shardraft.replica.session-max-replies} into the payload ({@link #payload}), so the bound
 * is part of the replicated entry. Applying it opens a new session whose id is {@link #sessionId}:
 * the client name and the entry's log index, unique in the log. The reply ({@link #reply}) names
 * that id and the bound. Every registration opens a new session (a retry or a restarted client's
 * gets another one; an unused session just expires), so no command of a registered session can be
 * mistaken for one of an earlier session, and a command naming an unknown session is always {@code
 * SessionExpired}.
 */
public final class SessionRegistration {
  /** The sequence of a registration command. */
  public static final long SEQUENCE = 0;

  private SessionRegistration() {}

  /** The session id a registration of {@code clientName} at {@code index} opens. */
  public static String sessionId(String clientName, long index) {
    return clientName + "@" + index;
  }

  /** The registration entry's payload: the session's reply bound (4 bytes, big-endian). */
  public static byte[] payload(int maxReplies) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(maxReplies).array();
  }

  /** The bound in a registration payload, or -1 if the payload is not one (a client's own). */
  static int maxReplies(byte[] payload) {
    return payload.length == Integer.BYTES ? ByteBuffer.wrap(payload).getInt() : -1;
  }

  /** The reply to a registration: the bound, then the session id in UTF-8. */
  static byte[] reply(String sessionId, int maxReplies) {
    byte[] id = sessionId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(Integer.BYTES + id.length).putInt(maxReplies).put(id).array();
  }

  /** A decoded registration reply. */
  public record Registered(String sessionId, int maxReplies) {}

  /**
   * Decodes a registration reply.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static Registered decodeReply(byte[] reply) {
    if (reply.length <= Integer.BYTES) {
      throw new IllegalArgumentException("not a registration reply (" + reply.length + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(reply);
    int max = b.getInt();
    byte[] id = new byte[b.remaining()];
    b.get(id);
    return new Registered(new String(id, StandardCharsets.UTF_8), max);
  }
}
