package io.herald.protocol;

import io.herald.protocol.SubscriberProtocol.PackedPartitionSnapshot;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Stores a {@link PackedPartitionSnapshot} as its packed bytes, as they are.
 *
 * <p>A partition's snapshot is one array of several megabytes for a large account. Through Jackson
 * it was copied twice more on its way to the journal (into CBOR, then out of the generator's
 * buffer), and each copy of that size is a humongous allocation that starts a collection cycle of
 * its own. Snapshots stored through Jackson before are still read by it: Pekko picks the
 * deserializer by the id stored with each snapshot.
 */
public final class PackedSnapshotSerializer extends SerializerWithStringManifest {

  /** This serializer's id in the journal; must never change or be reused. */
  public static final int ID = 8_004_001;

  private static final String MANIFEST = "packed-partition-snapshot-1";

  /** Pekko creates it with the system. */
  public PackedSnapshotSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return ID;
  }

  @Override
  public String manifest(Object o) {
    return MANIFEST;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof PackedPartitionSnapshot snapshot) {
      return snapshot.packed();
    }
    throw new IllegalArgumentException("not a packed partition snapshot: " + o.getClass());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!MANIFEST.equals(manifest)) {
      throw new NotSerializableException("unknown snapshot manifest " + manifest);
    }
    return new PackedPartitionSnapshot(bytes);
  }
}
