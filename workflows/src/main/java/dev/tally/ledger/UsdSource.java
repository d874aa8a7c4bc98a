package dev.tally.ledger;

/**
 * Where a dollar figure came from. Sums take the least certain source, so an unknown price anywhere
 * below a node makes that node's dollars a floor, never a fact.
 */
public enum UsdSource {
  /** The provider reported the charge. */
  BILLED,
  /** Priced from the model price catalog. */
  CATALOG,
  /** No price: the dollar figure is a lower bound. */
  UNKNOWN;

  /** The less certain of two sources. */
  public UsdSource worst(UsdSource other) {
    return ordinal() >= other.ordinal() ? this : other;
  }
}
