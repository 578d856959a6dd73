/**
 * The order saga driven by the events topics: {@link dev.shardraft.sample.shop.saga.Projections}
 * projects every {@code orders-<k>} group's committed commands into {@code orders-events}, exactly
 * once (one Cluster Singleton); {@link dev.shardraft.sample.shop.saga.OrderSaga} consumes that
 * topic and carries out {@link dev.shardraft.sample.shop.saga.SagaSteps} (reserve, confirm or
 * reject, release, commit) with idempotent commands derived from each event.
 */
package dev.shardraft.sample.shop.saga;
