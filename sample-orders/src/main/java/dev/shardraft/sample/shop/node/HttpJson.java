package dev.shardraft.sample.shop.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** JSON in and out of the HTTP API: strict reading, and one shape for every error answer. */
final class HttpJson {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private HttpJson() {}

  /** A request body that is not what the endpoint takes: the message says why (400). */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static <T> T read(String body, Class<T> type) {
    if (body == null || body.isBlank()) {
      throw new BadRequest("the request needs a JSON body", null);
    }
    try {
      return MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw new BadRequest(
          "unknown field '" + e.getPropertyName() + "' (known: " + e.getKnownPropertyIds() + ")",
          e);
    } catch (JsonProcessingException e) {
      throw new BadRequest("malformed JSON: " + e.getOriginalMessage(), e);
    }
  }

  static HttpResponse json(StatusCode code, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(code)
          .withEntity(
              HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      return HttpResponse.create()
          .withStatus(StatusCodes.INTERNAL_SERVER_ERROR)
          .withEntity(
              HttpEntities.create(
                  ContentTypes.APPLICATION_JSON,
                  "{\"error\":\"the answer could not be written\"}"));
    }
  }

  static HttpResponse error(StatusCode code, String message) {
    return json(code, errorBody(message));
  }

  static Map<String, Object> errorBody(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    return m;
  }
}
