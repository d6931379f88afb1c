package io.herald.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;

/**
 * A Jackson module for the cluster's CBOR messages, events and snapshots: an {@link Instant} is
 * written as the array {@code [epochSecond, nano]}, exact to the nanosecond.
 *
 * <p>The default forms cost more than the rest of a subscriber together: an ISO-8601 string is
 * parsed back with a {@code DateTimeFormatter}, and a decimal number goes through a {@code
 * BigDecimal} built from text on both sides. Instants stored in either form before this module are
 * still read, by the default deserializer.
 */
public final class CompactInstants extends SimpleModule {

  private static final long serialVersionUID = 1L;

  /** Registers the serializer and the deserializer; Pekko creates it by its class name. */
  public CompactInstants() {
    super("herald-compact-instants");
    addSerializer(Instant.class, new Writer());
    addDeserializer(Instant.class, new Reader());
  }

  private static final class Writer extends StdSerializer<Instant> {
    private static final long serialVersionUID = 1L;

    Writer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartArray(value, 2);
      gen.writeNumber(value.getEpochSecond());
      gen.writeNumber(value.getNano());
      gen.writeEndArray();
    }
  }

  private static final class Reader extends StdDeserializer<Instant> {
    private static final long serialVersionUID = 1L;
    private static final JsonDeserializer<Instant> EARLIER_FORMS = InstantDeserializer.INSTANT;

    Reader() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.isExpectedStartArrayToken()) {
        return EARLIER_FORMS.deserialize(p, ctxt);
      }
      long seconds = nextLong(p, ctxt);
      long nanos = nextLong(p, ctxt);
      if (p.nextToken() != JsonToken.END_ARRAY) {
        return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
      }
      try {
        return Instant.ofEpochSecond(seconds, nanos);
      } catch (java.time.DateTimeException e) {
        return (Instant) ctxt.handleWeirdNumberValue(Instant.class, seconds, e.getMessage());
      }
    }

    private static long nextLong(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
        ctxt.reportWrongTokenException(
            Instant.class, JsonToken.VALUE_NUMBER_INT, "an instant is [epochSecond, nano]");
      }
      return p.getLongValue();
    }
  }
}
