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
 * The subscribers of one partition, each kept as a packed record of bytes rather than a tree of
 * objects.
 *
 * <p>A partition holds every subscriber it owns in memory (ADR 0002), and an account of a million
 * people puts tens of thousands in each partition. As objects (records, strings, a JSON tree of
 * attributes, instants, memberships) a subscriber costs about 850 bytes of heap; packed it costs
 * about a fifth of that. The id is the key of an {@link IdTable} and is not repeated; list ids,
 * shared by many subscribers, are numbered once per partition; times equal to the creation time are
 * a flag. Packing and unpacking cost a few microseconds, paid only by the subscribers a command
 * touches.
 *
 * <p>Records are appended, behind their length, to slabs of {@value #SLAB_BYTES} bytes, and the
 * table holds where each one is: a million subscribers are a few hundred arrays for the garbage
 * collector rather than a million (ADR 0010). A replaced or removed record stays where it was until
 * the slabs are compacted, which happens once such records take a quarter of the room.
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

  /** Records go into arrays of this size; a record larger than that gets an array of its own. */
  static final int SLAB_BYTES = 1 << 18;

  /** Where each subscriber's record is: slab number in the high half, offset in the low. */
  private final IdTable locations = new IdTable();

  private List<byte[]> slabs = new ArrayList<>();
  private int tail;
  private long storedBytes;
  private long staleBytes;
  private final List<String> listIds = new ArrayList<>();
  private final Map<String, Integer> listNumbers = new HashMap<>();

  /** The subscriber with this id, unpacked, or null. */
  Subscriber get(String id) {
    long at = locations.get(id);
    return at == IdTable.ABSENT ? null : unpack(id, at);
  }

  /** Stores the subscriber, replacing any earlier version. */
  void put(Subscriber subscriber) {
    forget(locations.get(subscriber.id()));
    byte[] record = pack(subscriber);
    locations.put(subscriber.id(), append(record, 0, record.length));
    compactIfWasteful();
  }

  /** Forgets the subscriber with this id. */
  void remove(String id) {
    forget(locations.get(id));
    locations.remove(id);
    compactIfWasteful();
  }

  /** How many subscribers are held. */
  int size() {
    return locations.size();
  }

  /** Stores every subscriber given. */
  void putAll(Collection<Subscriber> subscribers) {
    subscribers.forEach(this::put);
  }

  /** Bytes in the slabs, replaced and removed records included (for tests). */
  long storedBytes() {
    return storedBytes;
  }

  /**
   * Appends a record to the last slab, behind its length, starting a new slab when it does not fit.
   *
   * @return where it is
   */
  private long append(byte[] source, int from, int length) {
    int footprint = sizeOfSize(length) + length;
    if (slabs.isEmpty() || tail + footprint > slabs.get(slabs.size() - 1).length) {
      slabs.add(new byte[Math.max(SLAB_BYTES, footprint)]);
      tail = 0;
    }
    byte[] slab = slabs.get(slabs.size() - 1);
    long at = ((long) (slabs.size() - 1) << 32) | tail;
    tail = putSize(slab, tail, length);
    System.arraycopy(source, from, slab, tail, length);
    tail += length;
    storedBytes += footprint;
    return at;
  }

  private void forget(long at) {
    if (at != IdTable.ABSENT) {
      staleBytes += footprint(at);
    }
  }

  /**
   * Copies the live records into new slabs once replaced and removed ones take a quarter of the
   * room: an import that updates every subscriber would otherwise leave a full copy behind. Each
   * compaction copies the live records once, after at least a third of their size was replaced.
   */
  private void compactIfWasteful() {
    if (staleBytes < 2L * SLAB_BYTES || staleBytes * 4 < storedBytes) {
      return;
    }
    List<byte[]> old = slabs;
    slabs = new ArrayList<>();
    tail = 0;
    storedBytes = 0;
    staleBytes = 0;
    locations.replaceAll(
        at -> {
          byte[] slab = old.get(slab(at));
          int length = readSize(slab, offset(at));
          return append(slab, offset(at) + sizeOfSize(length), length);
        });
  }

  private static int slab(long at) {
    return (int) (at >>> 32);
  }

  private static int offset(long at) {
    return (int) at;
  }

  /** The bytes a record takes in its slab: its length, then itself. */
  private int footprint(long at) {
    int length = readSize(slabs.get(slab(at)), offset(at));
    return sizeOfSize(length) + length;
  }

  /**
   * Everything held, as one array: the list-id table, then each subscriber's id and packed bytes. A
   * snapshot stores this rather than the subscribers as objects, which would cost four times the
   * heap while it is written.
   */
  byte[] export() {
    // Sized exactly first: a large partition's export is megabytes, and every regrowth or final
    // copy of an array that size is a humongous allocation for the collector.
    long[] size = {1L + sizeOfSize(listIds.size()) + sizeOfSize(locations.size())};
    for (String listId : listIds) {
      size[0] += sizeOfText(listId);
    }
    locations.forEach((id, at) -> size[0] += sizeOfText(id) + footprint(at));
    if (size[0] > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("a partition too large to export: " + size[0] + " bytes");
    }
    var bytes = new FixedBytes((int) size[0]);
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(EXPORT_VERSION);
      writeSize(out, listIds.size());
      for (String listId : listIds) {
        writeText(out, listId);
      }
      writeSize(out, locations.size());
      locations.forEach(
          (id, at) -> {
            try {
              writeText(out, id);
              // A record's length and bytes are in the slab in the export's own form.
              out.write(slabs.get(slab(at)), offset(at), footprint(at));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.full();
  }

  /** An output stream into an array of a size known in advance. */
  private static final class FixedBytes extends java.io.OutputStream {
    private final byte[] bytes;
    private int position;

    FixedBytes(int size) {
      this.bytes = new byte[size];
    }

    @Override
    public void write(int b) {
      bytes[position++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.arraycopy(b, off, bytes, position, len);
      position += len;
    }

    byte[] full() {
      if (position != bytes.length) {
        throw new IllegalStateException(
            "export wrote " + position + " of " + bytes.length + " bytes");
      }
      return bytes;
    }
  }

  private static int sizeOfSize(int value) {
    int bytes = 1;
    while ((value & ~0x7f) != 0) {
      value >>>= 7;
      bytes++;
    }
    return bytes;
  }

  private static int sizeOfText(String text) {
    if (text == null) {
      return 2;
    }
    int utf8 = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 127) {
        utf8 = text.getBytes(StandardCharsets.UTF_8).length;
        break;
      }
      utf8++;
    }
    return sizeOfSize(utf8) + (utf8 == 0 ? 1 : 0) + utf8;
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
        loaded.locations.put(id, loaded.append(bytes, 0, bytes.length));
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

  private Subscriber unpack(String id, long at) {
    byte[] slab = slabs.get(slab(at));
    int length = readSize(slab, offset(at));
    try (var in =
        new DataInputStream(
            new ByteArrayInputStream(slab, offset(at) + sizeOfSize(length), length))) {
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

  /** Writes a size as {@link #writeSize} does; answers the offset after it. */
  private static int putSize(byte[] to, int at, int value) {
    while ((value & ~0x7f) != 0) {
      to[at++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    to[at++] = (byte) value;
    return at;
  }

  private static int readSize(byte[] from, int at) {
    int value = 0;
    for (int shift = 0; ; shift += 7) {
      int b = from[at++] & 0xff;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
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
