package io.herald.node;

import com.typesafe.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of {@code herald.jar}. With no arguments it starts a node from the configuration
 * (application.conf and environment variables); SIGTERM stops it through coordinated shutdown.
 */
public final class Main {

  // Before any other static initialiser: logging alone may already touch the common pool.
  static {
    if (System.getProperty(Main.COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(
          Main.COMMON_POOL_PARALLELISM,
          String.valueOf(Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
    }
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /**
   * The common pool's parallelism, set before anything uses it. Pekko's asks complete Java futures
   * whose plain callbacks Scala runs on that pool; with fewer than two threads (a two-core machine)
   * the JDK runs each such callback on a new thread instead, which costs more than the request it
   * serves.
   */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  /** Starts a node, or runs the command named by the first argument. */
  public static void main(String[] args) throws Exception {

    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println("usage: java -jar herald.jar                          start a node");
      System.out.println("       java -jar herald.jar demo [--subscribers N]   run the demo");
      return;
    }
    if (args.length > 0 && args[0].equals("demo")) {
      System.exit(Demo.run(args, System.out));
    }
    if (args.length > 0) {
      System.err.println("unknown command '" + args[0] + "'; try --help");
      System.exit(2);
    }
    Config config;
    try {
      config = NodeConfig.load();
    } catch (IllegalArgumentException e) {
      System.err.println("herald: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      HeraldNode.start(config);
    } catch (RuntimeException e) {
      log.error("Herald node failed to start", e);
      System.exit(1);
    }
  }
}
