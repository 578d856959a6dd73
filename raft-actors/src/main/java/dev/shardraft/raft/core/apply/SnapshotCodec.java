package dev.shardraft.raft.core.apply;

import dev.shardraft.raft.port.Bytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The binary layout of an applier snapshot (no Java serialization): magic, version, highest term,
 * sessions in activity order, then the state machine's own bytes.
 *
 * <p>Version 2 (written now) adds the session expiry window in force (after the highest term) and,
 * to each session, a flag byte and, if set, the UTF-8 reason of a command that failed ({@code
 * CommandOutcome.Failed}). Version 1 is still read: its sessions decode as sessions whose last
 * command succeeded, and the applier keeps the window it has.
 */
final class SnapshotCodec {
  private static final int MAGIC = 0x53524150; // "SRAP"
  private static final int VERSION = 2;
  private static final int VERSION_1 = 1;

  private SnapshotCodec() {}

  /** {@code sessionExpiryPositions} is 0 for a version-1 snapshot (which did not carry it). */
  record Decoded(
      long logTerm,
      long sessionExpiryPositions,
      Map<String, Session> sessions,
      byte[] stateMachine) {}

  /** Version 1, as earlier versions wrote it (for the compatibility test). */
  static byte[] encodeVersion1(long logTerm, SessionTable sessions, byte[] stateMachine) {
    return encode(VERSION_1, logTerm, sessions, stateMachine);
  }

  static byte[] encode(long logTerm, SessionTable sessions, byte[] stateMachine) {
    return encode(VERSION, logTerm, sessions, stateMachine);
  }

  private static byte[] encode(
      int version, long logTerm, SessionTable sessions, byte[] stateMachine) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(version);
      out.writeLong(logTerm);
      if (version >= VERSION) {
        out.writeLong(sessions.expiryPositions());
      }
      out.writeInt(sessions.size());
      for (Map.Entry<String, Session> e : sessions.view().entrySet()) {
        Session s = e.getValue();
        out.writeUTF(e.getKey());
        out.writeLong(s.lastSequence());
        out.writeLong(s.lastIndex());
        out.writeLong(s.lastActivityIndex());
        byte[] reply = s.lastReply().toArray();
        out.writeInt(reply.length);
        out.write(reply);
        if (version >= VERSION) {
          out.writeBoolean(s.failure().isPresent());
          if (s.failure().isPresent()) {
            out.writeUTF(s.failure().get());
          }
        }
      }
      out.writeInt(stateMachine.length);
      out.write(stateMachine);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Decoded decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not an applier snapshot (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION && version != VERSION_1) {
        throw new IllegalArgumentException("unsupported snapshot version " + version);
      }
      long logTerm = in.readLong();
      long expiry = version >= VERSION ? in.readLong() : 0;
      if (version >= VERSION && expiry < 1) {
        throw new IllegalArgumentException("bad session expiry window " + expiry);
      }
      int n = in.readInt();
      if (n < 0) {
        throw new IllegalArgumentException("negative session count " + n);
      }
      Map<String, Session> sessions = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String client = in.readUTF();
        long seq = in.readLong();
        long idx = in.readLong();
        long activity = in.readLong();
        Bytes reply = Bytes.of(readBytes(in));
        Optional<String> failure =
            version >= VERSION && in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
        sessions.put(client, new Session(seq, reply, idx, activity, failure));
      }
      byte[] sm = readBytes(in);
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes after snapshot");
      }
      return new Decoded(logTerm, expiry, sessions, sm);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or malformed snapshot: " + e, e);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > in.available()) {
      throw new IllegalArgumentException("bad length " + len + " in snapshot");
    }
    return in.readNBytes(len);
  }
}
