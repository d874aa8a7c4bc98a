package dev.tally.delegate;

import java.util.List;

/** The kinds of delegated job. */
public final class DelegationProfiles {
  /** A coding turn on a repository, returned as a validated patch. */
  public static final String CODER = "coder";

  /** A research turn answering a question within a namespace. */
  public static final String RESEARCHER = "researcher";

  /** A UI audit of routes in a workspace; no sandbox can run it yet. */
  public static final String UI_AUDITOR = "ui-auditor";

  public static final List<String> ALL = List.of(CODER, RESEARCHER, UI_AUDITOR);

  private DelegationProfiles() {}
}
