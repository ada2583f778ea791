package dev.traceguard.analyzers.report.html;

import dev.traceguard.analyzers.model.Telemetry;
import dev.traceguard.analyzers.report.Finding;
import java.util.List;

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
}
