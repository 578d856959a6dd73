package dev.shardraft.raft.core;

/**
 * The log up-to-date rule of Raft §5.4.1, applied to what each replica has <em>applied</em> from
 * the shared log: a candidate's log is at least as up to date as the voter's if its last log term
 * is higher, or the terms are equal and its last index is at least the voter's.
 */
final class UpToDate {
  private UpToDate() {}

  static boolean candidateIsUpToDate(
      long candidateLastTerm, long candidateLastIndex, long voterLastTerm, long voterLastIndex) {
    if (candidateLastTerm != voterLastTerm) {
      return candidateLastTerm > voterLastTerm;
    }
    return candidateLastIndex >= voterLastIndex;
  }

  static boolean candidateIsUpToDate(
      long candidateLastTerm, long candidateLastIndex, RaftState voter) {
    return candidateIsUpToDate(
        candidateLastTerm, candidateLastIndex, voter.logTerm(), voter.appliedIndex());
  }
}
