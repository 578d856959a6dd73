package dev.shardraft.multijvm.history;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the operations of every client of one test, in the order they happen, with one clock
 * (this JVM's {@code System.nanoTime()}, read inside the lock so file order is time order), and
 * streams them to the history file as they happen (flushed on {@link #close()}).
 */
public final class HistoryRecorder implements AutoCloseable {
  private final Path file;
  private final List<Op> ops = new ArrayList<>();
  private final BufferedWriter out;

  public HistoryRecorder(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open history " + file, e);
    }
  }

  public Path file() {
    return file;
  }

  /** Records the invocation of {@code f} on {@code key}; returns it, to complete it later. */
  public synchronized Op invoke(int process, Op.F f, String key, Object value) {
    return add(Op.invoke(process, f, key, value, System.nanoTime()));
  }

  /** Records the completion of {@code invoked}. */
  public synchronized Op complete(Op invoked, Op.Type type, Object value) {
    return add(invoked.complete(type, value, System.nanoTime()));
  }

  private Op add(Op op) {
    ops.add(op);
    try {
      out.write(HistoryFile.line(op));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write history " + file, e);
    }
    return op;
  }

  public synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close history " + file, e);
    }
  }
}
