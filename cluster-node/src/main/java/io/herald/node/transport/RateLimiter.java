package io.herald.node.transport;

import java.util.function.LongSupplier;

/**
 * A token bucket that keeps a sender within a rate, for example an ESP's letters per second. It
 * never sleeps: callers either ask for permits without waiting ({@link #tryAcquire}) or reserve
 * them and learn how long to wait before using them ({@link #reserve}), which suits a stream stage
 * that delays an element with a timer instead of blocking a thread.
 *
 * <p>The bucket holds at most {@code burst} permits and refills at the configured rate; it starts
 * full. Time comes from an injected nanosecond source so that tests can move it by hand. The state
 * is kept as nanoseconds of credit (one permit costs {@code 1e9 / rate} of them), which keeps the
 * arithmetic exact. All methods are thread-safe.
 */
public final class RateLimiter {

  private final double permitsPerSecond;
  private final long nanosPerPermit;
  private final long capacityNanos;
  private final LongSupplier nanoTime;
  private long creditNanos;
  private long lastRefill;

  /**
   * A bucket refilled at {@code permitsPerSecond} that holds at most {@code burst} permits.
   *
   * @param nanoTime a monotonic clock in nanoseconds, {@link System#nanoTime} outside tests
   */
  public RateLimiter(double permitsPerSecond, int burst, LongSupplier nanoTime) {
    if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
      throw new IllegalArgumentException("the rate must be positive, not " + permitsPerSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("the burst must be at least 1, not " + burst);
    }
    this.permitsPerSecond = permitsPerSecond;
    this.nanosPerPermit = Math.max(1, Math.round(1e9 / permitsPerSecond));
    this.capacityNanos = Math.multiplyExact(nanosPerPermit, (long) burst);
    this.nanoTime = nanoTime;
    this.creditNanos = capacityNanos;
    this.lastRefill = nanoTime.getAsLong();
  }

  private RateLimiter() {
    this.permitsPerSecond = Double.POSITIVE_INFINITY;
    this.nanosPerPermit = 0;
    this.capacityNanos = 0;
    this.nanoTime = () -> 0L;
  }

  /** A limiter that never makes anyone wait (a configured rate of 0). */
  public static RateLimiter unlimited() {
    return new RateLimiter();
  }

  /**
   * A limiter at {@code permitsPerSecond} on the system clock, allowing a burst of one second's
   * worth (at least one permit); 0 gives {@link #unlimited()}.
   */
  public static RateLimiter perSecond(double permitsPerSecond) {
    if (permitsPerSecond == 0) {
      return unlimited();
    }
    int burst = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(permitsPerSecond)));
    return new RateLimiter(permitsPerSecond, burst, System::nanoTime);
  }

  /** The configured rate; infinite when unlimited. */
  public double permitsPerSecond() {
    return permitsPerSecond;
  }

  /** Whether this limiter never makes anyone wait. */
  public boolean isUnlimited() {
    return nanosPerPermit == 0;
  }

  /**
   * Takes {@code permits} if the bucket holds them now.
   *
   * @return false, taking nothing, when they are not all there
   * @throws IllegalArgumentException when asking for more than the bucket can ever hold
   */
  public synchronized boolean tryAcquire(int permits) {
    long cost = cost(permits);
    if (cost > capacityNanos) {
      throw new IllegalArgumentException(permits + " permits exceed the burst of this limiter");
    }
    refill();
    if (creditNanos < cost) {
      return false;
    }
    creditNanos -= cost;
    return true;
  }

  /**
   * Takes {@code permits} now, going into debt if the bucket lacks them, and tells how long the
   * caller must wait before using them. Later callers wait behind the debt, so the rate holds
   * however many callers reserve at once.
   *
   * @return nanoseconds to wait, 0 when the permits may be used at once
   */
  public synchronized long reserve(int permits) {
    long cost = cost(permits);
    refill();
    creditNanos -= cost;
    return creditNanos >= 0 ? 0 : -creditNanos;
  }

  /** How long until {@code permits} would be there, taking nothing. */
  public synchronized long nanosUntilAvailable(int permits) {
    long cost = cost(permits);
    refill();
    long missing = cost - creditNanos;
    return Math.max(0, missing);
  }

  private long cost(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("ask for at least one permit, not " + permits);
    }
    return Math.multiplyExact(nanosPerPermit, (long) permits);
  }

  private void refill() {
    if (nanosPerPermit == 0) {
      return;
    }
    long now = nanoTime.getAsLong();
    long elapsed = now - lastRefill;
    lastRefill = now;
    if (elapsed <= 0) {
      return;
    }
    // Compared before adding, so that a long idle time cannot overflow the credit.
    creditNanos = elapsed >= capacityNanos - creditNanos ? capacityNanos : creditNanos + elapsed;
  }
}
