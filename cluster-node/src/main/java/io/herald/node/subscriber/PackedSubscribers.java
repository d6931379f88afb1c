package io.herald.node.subscriber;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.protocol.SubscriberProtocol.Membership;
import io.herald.protocol.SubscriberProtocol.MembershipStatus;
import io.herald.protocol.SubscriberProtocol.Subscriber;
import io.herald.protocol.SubscriberProtocol.SubscriberStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The subscribers of one partition, each kept as a small byte array rather than a tree of objects.
 *
 * <p>A partition holds every subscriber it owns in memory (ADR 0002), and an account of a million
 * people puts tens of thousands in each partition. As objects (records, strings, a JSON tree of
 * attributes, instants, memberships) a subscriber costs about 850 bytes of heap; packed it costs
 * about a quarter of that. The id is the key of an {@link IdTable} and is not repeated; list ids,
 * shared by many subscribers, are numbered once per partition; times equal to the creation time are
 * a flag. Packing and unpacking cost a few microseconds, paid only by the subscribers a command
 * touches.
 *
 * <p>Not thread-safe: it belongs to its partition's actor.
 */
final class PackedSubscribers {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SubscriberStatus[] STATUSES = SubscriberStatus.values();
  private static final MembershipStatus[] MEMBERSHIP_STATUSES = MembershipStatus.values();

  private static final int EXPORT_VERSION = 1;
  private static final int STATUS_SINCE_IS_CREATED = 1;
  private static final int UPDATED_IS_CREATED = 2;

  private final IdTable packed = new IdTable();
  private final List<String> listIds = new ArrayList<>();
  private final Map<String, Integer> listNumbers = new HashMap<>();

  /** The subscriber with this id, unpacked, or null. */
  Subscriber get(String id) {
    byte[] bytes = packed.get(id);
    return bytes == null ? null : unpack(id, bytes);
  }

  /** Stores the subscriber, replacing any earlier version. */
  void put(Subscriber subscriber) {
    packed.put(subscriber.id(), pack(subscriber));
  }

  /** Forgets the subscriber with this id. */
  void remove(String id) {
    packed.remove(id);
  }

  /** How many subscribers are held. */
  int size() {
    return packed.size();
  }

  /** Stores every subscriber given. */
  void putAll(Collection<Subscriber> subscribers) {
    subscribers.forEach(this::put);
  }

  /**
   * Everything held, as one array: the list-id table, then each subscriber's id and packed bytes. A
   * snapshot stores this rather than the subscribers as objects, which would cost four times the
   * heap while it is written.
   */
  byte[] export() {
    var bytes = new ByteArrayOutputStream(64 + packed.size() * 160);
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(EXPORT_VERSION);
      writeSize(out, listIds.size());
      for (String listId : listIds) {
        writeText(out, listId);
      }
      writeSize(out, packed.size());
      packed.forEach(
          (id, record) -> {
            try {
              writeText(out, id);
              writeSize(out, record.length);
              out.write(record);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The subscribers of an {@link #export()}. */
  static PackedSubscribers load(byte[] exported) {
    var loaded = new PackedSubscribers();
    try (var in = new DataInputStream(new ByteArrayInputStream(exported))) {
      int version = in.readUnsignedByte();
      if (version != EXPORT_VERSION) {
        throw new IllegalStateException("unknown packed partition version " + version);
      }
      int lists = readSize(in);
      for (int i = 0; i < lists; i++) {
        loaded.listNumber(readText(in));
      }
      int count = readSize(in);
      for (int i = 0; i < count; i++) {
        String id = readText(in);
        byte[] bytes = new byte[readSize(in)];
        in.readFully(bytes);
        loaded.packed.put(id, bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return loaded;
  }

  private byte[] pack(Subscriber s) {
    var bytes = new ByteArrayOutputStream(128);
    try (var out = new DataOutputStream(bytes)) {
      Instant created = s.createdAt();
      int flags = 0;
      if (created.equals(s.statusSince()) || s.statusSince() == null) {
        flags |= STATUS_SINCE_IS_CREATED;
      }
      if (created.equals(s.updatedAt())) {
        flags |= UPDATED_IS_CREATED;
      }
      out.writeByte(flags);
      out.writeByte(s.status().ordinal());
      writeInstant(out, created);
      if ((flags & STATUS_SINCE_IS_CREATED) == 0) {
        writeInstant(out, s.statusSince());
      }
      if ((flags & UPDATED_IS_CREATED) == 0) {
        writeInstant(out, s.updatedAt());
      }
      writeText(out, s.email());
      writeText(out, s.name());
      byte[] attributes =
          s.attributes() == null || s.attributes().isEmpty()
              ? new byte[0]
              : JSON.writeValueAsBytes(s.attributes());
      writeSize(out, attributes.length);
      out.write(attributes);
      writeSize(out, s.lists().size());
      for (Membership m : s.lists()) {
        writeSize(out, listNumber(m.listId()));
        boolean sinceCreated = created.equals(m.since());
        out.writeByte(m.status().ordinal() | (sinceCreated ? 0x80 : 0));
        if (!sinceCreated) {
          writeInstant(out, m.since());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private Subscriber unpack(String id, byte[] bytes) {
    try (var in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int flags = in.readUnsignedByte();
      SubscriberStatus status = STATUSES[in.readUnsignedByte()];
      Instant created = readInstant(in);
      Instant statusSince = (flags & STATUS_SINCE_IS_CREATED) != 0 ? created : readInstant(in);
      Instant updated = (flags & UPDATED_IS_CREATED) != 0 ? created : readInstant(in);
      String email = readText(in);
      String name = readText(in);
      byte[] attributeBytes = new byte[readSize(in)];
      in.readFully(attributeBytes);
      ObjectNode attributes =
          attributeBytes.length == 0
              ? JSON.createObjectNode()
              : (ObjectNode) JSON.readTree(attributeBytes);
      int count = readSize(in);
      var lists = new ArrayList<Membership>(count);
      for (int i = 0; i < count; i++) {
        String listId = listIds.get(readSize(in));
        int statusByte = in.readUnsignedByte();
        Instant since = (statusByte & 0x80) != 0 ? created : readInstant(in);
        lists.add(new Membership(listId, MEMBERSHIP_STATUSES[statusByte & 0x7f], since));
      }
      return new Subscriber(
          id, email, name, attributes, status, statusSince, List.copyOf(lists), created, updated);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a packed subscriber's attributes do not parse", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int listNumber(String listId) {
    Integer number = listNumbers.get(listId);
    if (number == null) {
      number = listIds.size();
      listIds.add(listId);
      listNumbers.put(listId, number);
    }
    return number;
  }

  private static void writeInstant(DataOutputStream out, Instant instant) throws IOException {
    out.writeLong(instant.getEpochSecond());
    out.writeInt(instant.getNano());
  }

  private static Instant readInstant(DataInputStream in) throws IOException {
    long seconds = in.readLong();
    return Instant.ofEpochSecond(seconds, in.readInt());
  }

  /** Text as UTF-8 after its length; null as length zero with a marker. */
  private static void writeText(DataOutputStream out, String text) throws IOException {
    if (text == null) {
      writeSize(out, 0);
      out.writeByte(0);
      return;
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    writeSize(out, utf8.length);
    if (utf8.length == 0) {
      out.writeByte(1);
    }
    out.write(utf8);
  }

  private static String readText(DataInputStream in) throws IOException {
    int length = readSize(in);
    if (length == 0) {
      return in.readUnsignedByte() == 0 ? null : "";
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** A non-negative int in seven-bit groups: one byte for most sizes here. */
  private static void writeSize(DataOutputStream out, int value) throws IOException {
    while ((value & ~0x7f) != 0) {
      out.writeByte((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  private static int readSize(DataInputStream in) throws IOException {
    int value = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }
}
