package dev.traceguard.analyzers.model;

/**
 * The entity that produced telemetry: a service instance, a pod, a process.
 *
 * @param attributes the resource attributes, e.g. {@code service.name}
 */
public record Resource(Attributes attributes) {
  /** A resource with no attributes. */
  public static final Resource EMPTY = new Resource(Attributes.empty());

  /** The {@code service.name} attribute, or {@code unknown_service} when absent. */
  public String serviceName() {
    String s = attributes.getString("service.name");
    return s == null || s.isEmpty() ? "unknown_service" : s;
  }

  // equals and hashCode are written out: a record's own are bootstrapped through method handles on
  // first use, tens of milliseconds of a short command such as a one-snapshot profile.
  @Override
  public boolean equals(Object o) {
    return o instanceof Resource r && attributes.equals(r.attributes);
  }

  @Override
  public int hashCode() {
    return attributes.hashCode();
  }
}
