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
import java.util.TreeMap;

/**
 * The binary layout of an applier snapshot (no Java serialization): magic, version, highest term,
 * sessions in activity order, then the state machine's own bytes.
 *
 * <p>Version 3 (written now): after the highest term, the session expiry window; each session is
 * its id, registered flag, lowest kept sequence, last activity index, reply bound, then its kept
 * results (sequence, index, reply bytes, failure flag and, if set, the UTF-8 reason).
 *
 * <p>Still read: version 2 (the window; each session one last result with a failure flag) and
 * version 1 (no window, no failures; the applier keeps the window it has). Their sessions decode as
 * legacy sessions that keep their one last result.
 */
final class SnapshotCodec {
  private static final int MAGIC = 0x53524150; // "SRAP"
  private static final int VERSION = 3;
  private static final int VERSION_2 = 2;
  private static final int VERSION_1 = 1;

  private SnapshotCodec() {}

  /** {@code sessionExpiryPositions} is 0 for a version-1 snapshot (which did not carry it). */
  record Decoded(
      long logTerm,
      long sessionExpiryPositions,
      Map<String, Session> sessions,
      byte[] stateMachine) {}

  /** Version 1, as earlier versions wrote it (legacy sessions only; compatibility tests). */
  static byte[] encodeVersion1(long logTerm, SessionTable sessions, byte[] stateMachine) {
    return encode(VERSION_1, logTerm, sessions, stateMachine);
  }

  /** Version 2, as earlier versions wrote it (legacy sessions only; compatibility tests). */
  static byte[] encodeVersion2(long logTerm, SessionTable sessions, byte[] stateMachine) {
    return encode(VERSION_2, logTerm, sessions, stateMachine);
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
      if (version >= VERSION_2) {
        out.writeLong(sessions.expiryPositions());
      }
      out.writeInt(sessions.size());
      for (Map.Entry<String, Session> e : sessions.view().entrySet()) {
        Session s = e.getValue();
        out.writeUTF(e.getKey());
        if (version >= VERSION) {
          out.writeBoolean(s.registered());
          out.writeLong(s.lowestKept());
          out.writeLong(s.lastActivityIndex());
          out.writeInt(s.maxReplies());
          out.writeInt(s.replyCount());
          for (Map.Entry<Long, Session.Reply> r : s.replies().entrySet()) {
            out.writeLong(r.getKey());
            out.writeLong(r.getValue().index());
            writeReply(out, r.getValue(), true);
          }
          continue;
        }
        if (s.registered() || s.replyCount() != 1) {
          throw new IllegalArgumentException("version " + version + " holds legacy sessions only");
        }
        Session.Reply last = s.lastReply();
        out.writeLong(s.lastSequence());
        out.writeLong(last.index());
        out.writeLong(s.lastActivityIndex());
        writeReply(out, last, version >= VERSION_2);
      }
      out.writeInt(stateMachine.length);
      out.write(stateMachine);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A result's reply bytes and (versions 2 and 3) its failure flag and reason. */
  private static void writeReply(DataOutputStream out, Session.Reply r, boolean withFailure)
      throws IOException {
    byte[] reply = r.reply().toArray();
    out.writeInt(reply.length);
    out.write(reply);
    if (withFailure) {
      out.writeBoolean(r.failure().isPresent());
      if (r.failure().isPresent()) {
        out.writeUTF(r.failure().get());
      }
    }
  }

  static Decoded decode(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not an applier snapshot (bad magic)");
      }
      int version = in.readInt();
      if (version != VERSION && version != VERSION_2 && version != VERSION_1) {
        throw new IllegalArgumentException("unsupported snapshot version " + version);
      }
      long logTerm = in.readLong();
      long expiry = version >= VERSION_2 ? in.readLong() : 0;
      if (version >= VERSION_2 && expiry < 1) {
        throw new IllegalArgumentException("bad session expiry window " + expiry);
      }
      int n = in.readInt();
      if (n < 0) {
        throw new IllegalArgumentException("negative session count " + n);
      }
      Map<String, Session> sessions = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String client = in.readUTF();
        if (version >= VERSION) {
          boolean registered = in.readBoolean();
          long lowestKept = in.readLong();
          long activity = in.readLong();
          int max = in.readInt();
          int count = in.readInt();
          if (count < 0 || max < 1) {
            throw new IllegalArgumentException("bad session " + client + " in snapshot");
          }
          TreeMap<Long, Session.Reply> replies = new TreeMap<>();
          for (int k = 0; k < count; k++) {
            long seq = in.readLong();
            long idx = in.readLong();
            Bytes reply = Bytes.of(readBytes(in));
            Optional<String> failure =
                in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
            replies.put(seq, new Session.Reply(idx, reply, failure));
          }
          sessions.put(client, new Session(registered, lowestKept, replies, activity, max));
          continue;
        }
        long seq = in.readLong();
        long idx = in.readLong();
        long activity = in.readLong();
        Bytes reply = Bytes.of(readBytes(in));
        Optional<String> failure =
            version >= VERSION_2 && in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
        sessions.put(client, Session.legacy(seq, new Session.Reply(idx, reply, failure), activity));
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
