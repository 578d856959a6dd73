/**
 * Client histories: {@link dev.shardraft.multijvm.history.Op} (one line of the JSONL format of
 * issue 11), {@link dev.shardraft.multijvm.history.HistoryRecorder} (one clock, streamed to {@code
 * target/histories/<test-name>.jsonl}) and {@link dev.shardraft.multijvm.history.HistoryFile} (read
 * and write).
 */
package dev.shardraft.multijvm.history;
