package dev.traceguard.analyzers.report.html;

import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import java.util.List;
import java.util.Set;

/**
 * Charts for one analyzer's findings, drawn above the generic list of those findings. Register one
 * per analyzer name in {@link HtmlReportWriter#defaultSections()}; an analyzer without one still
 * shows every finding with its evidence.
 */
@FunctionalInterface
public interface HtmlSection {
  /**
   * Draws charts for {@code findings} (all of one analyzer, in report order) into {@code out}.
   *
   * @param findings the analyzer's findings
   * @param telemetry everything read, to draw from (may hold no spans or series)
   * @param out where the markup goes; every string must go through its escaping methods
   */
  void render(List<Finding> findings, Telemetry telemetry, Html out);

  /**
   * Evidence keys that only carry series for these charts; the finding's evidence table shows them
   * as a one-line summary instead of hundreds of numbers (the JSON report has them in full).
   */
  default Set<String> plottedEvidence() {
    return Set.of();
  }
}
