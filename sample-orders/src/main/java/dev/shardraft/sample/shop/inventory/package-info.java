/**
 * The inventory of the sample: {@code inventory-<k>} groups keyed by SKU. {@link
 * dev.shardraft.sample.shop.inventory.InventoryBook} keeps stock never negative and reservations
 * idempotent per order (reserve, release, commit on shipment).
 */
package dev.shardraft.sample.shop.inventory;
