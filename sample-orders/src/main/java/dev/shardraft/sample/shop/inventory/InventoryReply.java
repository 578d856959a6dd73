package dev.shardraft.sample.shop.inventory;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.shardraft.sample.shop.domain.Refusal;

/** An inventory group's answer to an {@link InventoryCommand}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = InventoryReply.Done.class, name = "done"),
  @JsonSubTypes.Type(value = InventoryReply.Refused.class, name = "refused")
})
public sealed interface InventoryReply {

  String sku();

  /** Carried out (or an idempotent repeat); the stock as it is now. */
  record Done(String sku, StockLevel level) implements InventoryReply {}

  /** Refused by a rule; nothing changed. */
  record Refused(String sku, Refusal refusal, String reason) implements InventoryReply {}
}
