package io.herald.node.subscriber;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.function.ObjLongConsumer;

/**
 * A map from subscriber id to a non-negative {@code long} (where a partition keeps the person's
 * packed record) that keeps a standard id as two numbers instead of a string.
 *
 * <p>A partition holds every subscriber it owns. In a {@code HashMap<String, ...>} each one costs
 * its id string (a String and its array, 64 bytes) and a map node (32 bytes) beside its packed
 * record; here a standard id (24 base32 characters, {@link io.herald.protocol.SubscriberKeys}) is
 * two 60-bit numbers in parallel arrays of an open-addressing table, about 30 bytes a subscriber
 * with the table's spare room: a million subscribers take about 70 MB less heap. Any other id
 * (tests and hand-made data may have them) goes to an ordinary map beside it.
 *
 * <p>Linear probing; a removal shifts the entries after it back, so no tombstones build up. Not
 * thread-safe: it belongs to its partition's actor.
 */
final class IdTable {

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  private static final int ID_CHARS = 24;
  private static final int HALF = ID_CHARS / 2;
  private static final byte[] DIGIT = new byte[128];

  static {
    Arrays.fill(DIGIT, (byte) -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      DIGIT[ALPHABET.charAt(i)] = (byte) i;
    }
  }

  /** What {@link #get} answers for an id with no value; also marks a free slot. */
  static final long ABSENT = -1;

  private long[] high = new long[16];
  private long[] low = new long[16];
  private long[] values = filled(16);
  private int standard;
  private final Map<String, Long> other = new HashMap<>();

  private static long[] filled(int length) {
    long[] values = new long[length];
    Arrays.fill(values, ABSENT);
    return values;
  }

  /** The value stored for the id, or {@link #ABSENT}. */
  long get(String id) {
    long h = half(id, 0);
    long l = half(id, HALF);
    if (h < 0 || l < 0) {
      return other.getOrDefault(id, ABSENT);
    }
    int slot = find(h, l);
    return slot < 0 ? ABSENT : values[slot];
  }

  /** Stores the value (not negative) for the id, replacing any earlier one. */
  void put(String id, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("a negative value: " + value);
    }
    long h = half(id, 0);
    long l = half(id, HALF);
    if (h < 0 || l < 0) {
      other.put(id, value);
      return;
    }
    int mask = values.length - 1;
    for (int slot = start(h, l, mask); ; slot = (slot + 1) & mask) {
      if (values[slot] == ABSENT) {
        high[slot] = h;
        low[slot] = l;
        values[slot] = value;
        if (++standard * 4 > values.length * 3) {
          grow();
        }
        return;
      }
      if (high[slot] == h && low[slot] == l) {
        values[slot] = value;
        return;
      }
    }
  }

  /** Forgets the id. */
  void remove(String id) {
    long h = half(id, 0);
    long l = half(id, HALF);
    if (h < 0 || l < 0) {
      other.remove(id);
      return;
    }
    int slot = find(h, l);
    if (slot < 0) {
      return;
    }
    values[slot] = ABSENT;
    standard--;
    // Moves back every entry after the hole that could not otherwise be found past it.
    int mask = values.length - 1;
    int hole = slot;
    for (int next = (hole + 1) & mask; values[next] != ABSENT; next = (next + 1) & mask) {
      int home = start(high[next], low[next], mask);
      boolean reachableWithoutHole =
          hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!reachableWithoutHole) {
        high[hole] = high[next];
        low[hole] = low[next];
        values[hole] = values[next];
        values[next] = ABSENT;
        hole = next;
      }
    }
  }

  /** How many ids have a value. */
  int size() {
    return standard + other.size();
  }

  /** Every id and its value, in no particular order. */
  void forEach(ObjLongConsumer<String> action) {
    for (int slot = 0; slot < values.length; slot++) {
      if (values[slot] != ABSENT) {
        action.accept(id(high[slot], low[slot]), values[slot]);
      }
    }
    other.forEach(action::accept);
  }

  /** Replaces every value by what {@code change} makes of it (not negative). */
  void replaceAll(LongUnaryOperator change) {
    for (int slot = 0; slot < values.length; slot++) {
      if (values[slot] != ABSENT) {
        values[slot] = nonNegative(change.applyAsLong(values[slot]));
      }
    }
    other.replaceAll((id, value) -> nonNegative(change.applyAsLong(value)));
  }

  private static long nonNegative(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("a negative value: " + value);
    }
    return value;
  }

  private int find(long h, long l) {
    int mask = values.length - 1;
    for (int slot = start(h, l, mask); values[slot] != ABSENT; slot = (slot + 1) & mask) {
      if (high[slot] == h && low[slot] == l) {
        return slot;
      }
    }
    return -1;
  }

  private void grow() {
    long[] oldHigh = high;
    long[] oldLow = low;
    long[] oldValues = values;
    high = new long[oldValues.length * 2];
    low = new long[oldValues.length * 2];
    values = filled(oldValues.length * 2);
    int mask = values.length - 1;
    for (int i = 0; i < oldValues.length; i++) {
      if (oldValues[i] != ABSENT) {
        int slot = start(oldHigh[i], oldLow[i], mask);
        while (values[slot] != ABSENT) {
          slot = (slot + 1) & mask;
        }
        high[slot] = oldHigh[i];
        low[slot] = oldLow[i];
        values[slot] = oldValues[i];
      }
    }
  }

  /** Ids are hashes already, but a partition's ids share their leading bits: mix them. */
  private static int start(long h, long l, int mask) {
    long mixed = (l ^ (h * 0x9E3779B97F4A7C15L)) * 0xBF58476D1CE4E5B9L;
    return (int) (mixed >>> 32) & mask;
  }

  /** Twelve base32 characters from {@code from} as a 60-bit number, or -1 if the id is other. */
  private static long half(String id, int from) {
    if (id.length() != ID_CHARS) {
      return -1;
    }
    long value = 0;
    for (int i = from; i < from + HALF; i++) {
      char c = id.charAt(i);
      int digit = c < 128 ? DIGIT[c] : -1;
      if (digit < 0) {
        return -1;
      }
      value = (value << 5) | digit;
    }
    return value;
  }

  private static String id(long h, long l) {
    char[] chars = new char[ID_CHARS];
    for (int i = HALF - 1; i >= 0; i--) {
      chars[i] = ALPHABET.charAt((int) (h & 31));
      chars[HALF + i] = ALPHABET.charAt((int) (l & 31));
      h >>>= 5;
      l >>>= 5;
    }
    return new String(chars);
  }
}
