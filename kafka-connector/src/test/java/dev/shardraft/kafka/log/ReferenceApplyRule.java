package dev.shardraft.kafka.log;

import dev.shardraft.raft.port.TailEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The deterministic apply rule every replica uses, written out plainly for tests of the log: skip
 * undecodable records, skip an entry whose term is lower than the highest term already seen.
 * The real rule lives in raft-actors' applier; this copy only shows what the log hands it.
 */
public final class ReferenceApplyRule {

  private ReferenceApplyRule() {}

  /** The events that the rule applies, in order. */
  public static List<TailEvent.Committed> applied(List<TailEvent> events) {
    List<TailEvent.Committed> applied = new ArrayList<>();
    long highestTerm = 0;
    for (TailEvent event : events) {
      if (event instanceof TailEvent.Committed c) {
        if (c.entry().term() < highestTerm) {
          continue;
        }
        highestTerm = c.entry().term();
        applied.add(c);
      }
    }
    return applied;
  }

  /** The payload texts of the applied commands. */
  public static List<String> appliedTexts(List<TailEvent> events) {
    return applied(events).stream().map(KafkaTestSupport::text).filter(Objects::nonNull).toList();
  }
}
