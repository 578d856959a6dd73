package dev.shardraft.multijvm.check;

import java.util.List;

/**
 * The outcome of one check: valid when it found no problem; each problem names its key or group.
 */
public record Verdict(String check, List<String> problems) {
  public Verdict {
    problems = List.copyOf(problems);
  }

  public boolean valid() {
    return problems.isEmpty();
  }

  @Override
  public String toString() {
    return check
        + ": "
        + (valid()
            ? "valid"
            : problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
  }
}
