/**
 * A downstream consumer of {@code orders-events}: {@link
 * dev.shardraft.sample.shop.readmodel.RevenueByCustomer}, revenue per customer built from the JSON
 * events with a plain read_committed consumer, each event counted once.
 */
package dev.shardraft.sample.shop.readmodel;
