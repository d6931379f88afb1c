package io.herald.node.letter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herald.protocol.EmailAddress;

/**
 * Who one letter goes to, and what its template may say about them. {@link CompiledCampaign#render}
 * checks every field and refuses the letter when one could break a header or a URL.
 *
 * @param accountId the account that owns the campaign
 * @param campaignId the campaign being sent
 * @param subscriberId the subscriber's id
 * @param email where the letter goes
 * @param name the subscriber's name, or null
 * @param attributes the subscriber's attributes (a JSON object), or null
 * @param listId the list the subscriber is on for this campaign (for {@code List-Id}), or null to
 *     name the campaign instead
 */
public record Recipient(
    String accountId,
    String campaignId,
    String subscriberId,
    EmailAddress email,
    String name,
    ObjectNode attributes,
    String listId) {}
