/**
 * The deterministic applier: applies the committed log to the user's {@link
 * dev.shardraft.raft.port.StateMachine} plus the client session table, with the apply rule that
 * makes Kafka's "latest open wins" fencing safe (an entry of a lower term than one already seen is
 * skipped; undecodable records are skipped), exactly-once commands via sessions, and snapshots of
 * state machine + sessions + position. Pure Java (no Pekko, no Kafka); not pure in the strict sense
 * because the user's state machine is mutable, so it lives beside the core.
 */
package dev.shardraft.raft.core.apply;
