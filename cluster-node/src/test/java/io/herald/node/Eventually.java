package io.herald.node;

import java.time.Duration;

/** Retries an assertion until it holds or the time is up, for read models that lag a little. */
public final class Eventually {

  private Eventually() {}

  /** Runs the assertion until it passes; rethrows its last failure when the time runs out. */
  public static void within(Duration limit, Runnable assertion) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError | RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
