package dev.traceguard.commands;

import dev.traceguard.analyzers.Analyzers;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Completion candidates for {@code --analyzers}: {@code all} and every registered analyzer. */
public final class AnalyzerNames implements Iterable<String> {
  /** Used by picocli. */
  public AnalyzerNames() {}

  @Override
  public Iterator<String> iterator() {
    List<String> names = new ArrayList<>();
    names.add("all");
    names.addAll(Analyzers.names());
    return names.iterator();
  }
}
