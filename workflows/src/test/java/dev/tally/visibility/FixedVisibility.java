package dev.tally.visibility;

/**
 * The visibility port's edge in unit tests: a worker that answers a fixed set of registered search
 * attributes, or (the Java test server's case) that it cannot list them.
 */
public final class FixedVisibility implements VisibilityActivities {
  private final RegisteredAttributes answer;

  private FixedVisibility(RegisteredAttributes answer) {
    this.answer = answer;
  }

  /** A server that cannot list its attributes, as the SDK's test server. */
  public static FixedVisibility unlisted() {
    return new FixedVisibility(RegisteredAttributes.unlisted());
  }

  /** A namespace with every one of Tally's attributes registered. */
  public static FixedVisibility allRegistered() {
    return new FixedVisibility(new RegisteredAttributes(TallySearchKeys.NAMES, true));
  }

  @Override
  public RegisteredAttributes registeredSearchAttributes(AttributeQuery query) {
    return new RegisteredAttributes(
        query.names().stream().filter(answer.registered()::contains).toList(), answer.listed());
  }

  /** {@code activities} with this fake added. */
  public Object[] with(Object... activities) {
    Object[] all = new Object[activities.length + 1];
    System.arraycopy(activities, 0, all, 0, activities.length);
    all[activities.length] = this;
    return all;
  }
}
