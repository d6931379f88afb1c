package io.herald.node.campaign;

import io.herald.gateway.ApiError;
import io.herald.gateway.CampaignPorts.ContentCheck;
import io.herald.node.letter.ContentException;
import io.herald.node.letter.LetterSettings;
import io.herald.node.letter.LetterTemplates;
import io.herald.protocol.CampaignProtocol.Content;

/** Checks content by compiling it exactly as the send workers will. */
public final class NodeContentCheck implements ContentCheck {

  private final LetterTemplates templates;
  private final LetterSettings settings;

  /** A check with the node's templates and letter settings. */
  public NodeContentCheck(LetterTemplates templates, LetterSettings settings) {
    this.templates = templates;
    this.settings = settings;
  }

  @Override
  public void check(Content content) {
    try {
      templates.compile(CompiledCampaigns.letterContent(content), settings);
    } catch (ContentException e) {
      String where = e.line() > 0 ? " (line " + e.line() + ", column " + e.column() + ")" : "";
      throw ApiError.unprocessable(
          "invalid_" + e.field(), "field '" + e.field() + "'" + where + ": " + e.problem());
    }
  }
}
