package io.herald.node.letter;

/**
 * What a campaign says and who it says it from, as the account wrote it: the subject, HTML and
 * optional plain text are Mustache templates (see {@link LetterTemplates} for what they may use).
 *
 * @param subject the subject template, one line
 * @param fromName the sender's display name, one line; may be empty
 * @param fromEmail the sender's address
 * @param replyTo where replies go, or null for the sender's address
 * @param html the HTML template
 * @param text the plain-text template, or null to have it made from the HTML
 */
public record CampaignContent(
    String subject, String fromName, String fromEmail, String replyTo, String html, String text) {}
