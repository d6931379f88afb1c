package io.herald.gateway;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What the gateway is configured with.
 *
 * @param operatorToken the token that may create accounts
 * @param askTimeout how long to wait for an entity before answering 503
 * @param maxBodyBytes the largest JSON request body
 * @param subscriberPartitions partitions given to each new account
 * @param maxAttributeDepth deepest nesting inside a subscriber's attributes
 * @param maxAttributesBytes largest size of a subscriber's attributes, as JSON
 * @param maxNameLength longest subscriber, list or account name
 */
public record GatewaySettings(
    String operatorToken,
    Duration askTimeout,
    long maxBodyBytes,
    int subscriberPartitions,
    int maxAttributeDepth,
    int maxAttributesBytes,
    int maxNameLength) {

  /** Reads the settings under {@code herald}, with the operator token given separately. */
  public static GatewaySettings fromConfig(Config herald, String operatorToken) {
    return new GatewaySettings(
        operatorToken,
        herald.getDuration("http.ask-timeout"),
        herald.getBytes("http.max-body-bytes"),
        herald.getInt("accounts.subscriber-partitions"),
        herald.getInt("subscribers.max-attribute-depth"),
        herald.getInt("subscribers.max-attributes-bytes"),
        herald.getInt("subscribers.max-name-length"));
  }
}
