package dev.shardraft.sample.shop.domain;

/** Why a business rule refused a command; the HTTP API maps each to a status code. */
public enum Refusal {
  /** The order or SKU does not exist (404). */
  NOT_FOUND,
  /** The command does not fit the current state: an invalid transition, a clash (409). */
  CONFLICT,
  /** Not enough stock to reserve (409). */
  INSUFFICIENT_STOCK
}
