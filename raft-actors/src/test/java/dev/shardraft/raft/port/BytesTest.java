package dev.shardraft.raft.port;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import org.junit.jupiter.api.Test;

class BytesTest {

  @Test
  void equalityIsByContentAndTheValueIsImmutable() {
    byte[] raw = {1, 2, 3};
    Bytes b = Bytes.of(raw);
    raw[0] = 9;
    assertEquals(Bytes.of(new byte[] {1, 2, 3}), b, "a copy is taken in");
    b.toArray()[1] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, b.toArray(), "a copy is handed out");
    assertEquals(Bytes.of(new byte[] {1, 2, 3}).hashCode(), b.hashCode());
    assertNotEquals(Bytes.of(new byte[] {1, 2}), b);
    assertSame(Bytes.EMPTY, Bytes.of(new byte[0]));
    assertEquals("héllo", Bytes.utf8("héllo").toUtf8());
    assertEquals(6, Bytes.utf8("héllo").size());
    assertThrows(NullPointerException.class, () -> Bytes.of(null));
  }

  @Test
  void toStringShowsTheSizeAndAShortPrefix() {
    assertEquals("3 bytes 010203", Bytes.of(new byte[] {1, 2, 3}).toString());
    assertEquals("10 bytes 0000000000000000..", Bytes.of(new byte[10]).toString());
  }

  /** A record holding bytes, as the replica's messages do. */
  public record Holder(Bytes payload) {}

  @Test
  void jacksonWritesAPlainByteStringAlsoWithParameterNames() throws Exception {
    Holder h = new Holder(Bytes.of(new byte[] {7, 8}));
    // Pekko's Jackson setup registers the parameter-names module, which made a single-argument
    // creator property-based until the creator said it delegates.
    ObjectMapper cbor =
        new ObjectMapper(new CBORFactory()).registerModule(new ParameterNamesModule());
    assertEquals(h, cbor.readValue(cbor.writeValueAsBytes(h), Holder.class));
    ObjectMapper json = new ObjectMapper().registerModule(new ParameterNamesModule());
    assertEquals("{\"payload\":\"Bwg=\"}", json.writeValueAsString(h), "base64 in JSON");
    assertEquals(h, json.readValue("{\"payload\":\"Bwg=\"}", Holder.class));
  }
}
