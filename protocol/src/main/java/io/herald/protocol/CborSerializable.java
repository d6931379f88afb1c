package io.herald.protocol;

/**
 * Marker for every message, event and snapshot that crosses the cluster or goes into the journal.
 * Pekko's Jackson CBOR serializer is bound to this type in the node's configuration.
 */
public interface CborSerializable {}
