package io.herald.node.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void startsFullSoABurstPassesAtOnce() {
    RateLimiter limiter = new RateLimiter(10, 5, now::get);

    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire(1)).as("permit %d", i).isTrue();
    }
    assertThat(limiter.tryAcquire(1)).isFalse();
  }

  @Test
  void refillsAtTheConfiguredRate() {
    RateLimiter limiter = new RateLimiter(10, 1, now::get);
    assertThat(limiter.tryAcquire(1)).isTrue();

    now.addAndGet(99 * MS);
    assertThat(limiter.tryAcquire(1)).isFalse();
    now.addAndGet(MS);
    assertThat(limiter.tryAcquire(1)).isTrue();
  }

  @Test
  void neverHoldsMoreThanTheBurst() {
    RateLimiter limiter = new RateLimiter(10, 3, now::get);

    now.addAndGet(TimeUnit.HOURS.toNanos(1));

    assertThat(limiter.tryAcquire(3)).isTrue();
    assertThat(limiter.tryAcquire(1)).isFalse();
  }

  @Test
  void aFailedTryTakesNothing() {
    RateLimiter limiter = new RateLimiter(10, 2, now::get);
    assertThat(limiter.tryAcquire(1)).isTrue();

    assertThat(limiter.tryAcquire(2)).isFalse();
    assertThat(limiter.tryAcquire(1)).isTrue();
  }

  @Test
  void reservationsQueueBehindEachOther() {
    RateLimiter limiter = new RateLimiter(10, 1, now::get);

    assertThat(limiter.reserve(1)).isZero();
    assertThat(limiter.reserve(1)).isEqualTo(100 * MS);
    assertThat(limiter.reserve(1)).isEqualTo(200 * MS);

    now.addAndGet(100 * MS);
    assertThat(limiter.reserve(1)).isEqualTo(200 * MS);
    assertThat(limiter.tryAcquire(1)).isFalse();
  }

  @Test
  void debtIsPaidOffByTime() {
    RateLimiter limiter = new RateLimiter(10, 1, now::get);
    limiter.reserve(1);
    limiter.reserve(3);

    now.addAndGet(300 * MS);
    assertThat(limiter.tryAcquire(1)).isFalse();
    now.addAndGet(100 * MS);
    assertThat(limiter.tryAcquire(1)).isTrue();
  }

  @Test
  void askingHowLongTakesNothing() {
    RateLimiter limiter = new RateLimiter(4, 1, now::get);
    limiter.reserve(1);

    assertThat(limiter.nanosUntilAvailable(1)).isEqualTo(250 * MS);
    assertThat(limiter.nanosUntilAvailable(1)).isEqualTo(250 * MS);
    now.addAndGet(250 * MS);
    assertThat(limiter.nanosUntilAvailable(1)).isZero();
  }

  @Test
  void fractionalRatesWork() {
    RateLimiter limiter = new RateLimiter(0.5, 1, now::get);
    limiter.reserve(1);

    assertThat(limiter.nanosUntilAvailable(1)).isEqualTo(TimeUnit.SECONDS.toNanos(2));
  }

  @Test
  void aTryForMoreThanTheBurstCanNeverSucceedAndSaysSo() {
    RateLimiter limiter = new RateLimiter(10, 2, now::get);

    assertThatThrownBy(() -> limiter.tryAcquire(3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> limiter.tryAcquire(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new RateLimiter(0, 1, now::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(-1, 1, now::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(10, 0, now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void zeroMeansNoLimit() {
    RateLimiter limiter = RateLimiter.perSecond(0);

    assertThat(limiter.isUnlimited()).isTrue();
    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.reserve(1000)).isZero();
    }
    assertThat(limiter.tryAcquire(Integer.MAX_VALUE)).isTrue();
  }

  @Test
  void aRatePerSecondAllowsOneSecondsWorthAtOnce() {
    RateLimiter limiter = RateLimiter.perSecond(14);

    assertThat(limiter.isUnlimited()).isFalse();
    assertThat(limiter.permitsPerSecond()).isEqualTo(14);
    assertThat(limiter.tryAcquire(14)).isTrue();
    assertThatThrownBy(() -> limiter.tryAcquire(15)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentCallersShareThePermitsExactly() throws InterruptedException {
    RateLimiter limiter = new RateLimiter(1000, 100, now::get);
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 1000; i++) {
                  if (limiter.tryAcquire(1)) {
                    granted.incrementAndGet();
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    // The clock stood still: exactly the burst was handed out, however the threads interleaved.
    assertThat(granted).hasValue(100);
  }
}
