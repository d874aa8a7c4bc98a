package dev.tally.router.admission;

import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators of hostile driver plans: zero, one-token and huge budgets, floods, nesting. */
final class AdversarialPlans {
  private AdversarialPlans() {}

  static Arbitrary<AdversarialPlan> any() {
    Arbitrary<Long> rootTokens =
        mix(
            weighted(1, Arbitraries.of(0L, 1L)),
            weighted(1, Arbitraries.longs().between(100, 5_000)),
            weighted(8, Arbitraries.longs().between(5_000, 60_000)));
    Arbitrary<BigDecimal> rootUsd =
        mix(
            weighted(4, Arbitraries.just((BigDecimal) null)),
            weighted(1, Arbitraries.just(BigDecimal.ZERO)),
            weighted(
                5,
                Arbitraries.bigDecimals()
                    .between(new BigDecimal("0.00001"), new BigDecimal("0.05"))
                    .ofScale(6)));
    Arbitrary<AdversarialPlan.Spawn> spawn =
        Combinators.combine(
                Arbitraries.frequency(
                    Tuple.of(5, "chat"), Tuple.of(2, "driver"), Tuple.of(1, "sandbox")),
                spawnTokens(),
                mix(
                    weighted(2, Arbitraries.just(0L)),
                    weighted(3, Arbitraries.just(1L)),
                    weighted(2, Arbitraries.longs().between(2, 5)),
                    weighted(1, Arbitraries.longs().between(1_000, 1_000_000))),
                mix(
                    weighted(3, Arbitraries.just((BigDecimal) null)),
                    weighted(1, Arbitraries.just(BigDecimal.ZERO)),
                    weighted(
                        2,
                        Arbitraries.bigDecimals()
                            .between(new BigDecimal("0.000001"), new BigDecimal("0.005"))
                            .ofScale(6))))
            .as(AdversarialPlan.Spawn::new);
    Arbitrary<List<AdversarialPlan.Spawn>> turn =
        mix(
            weighted(6, spawn.list().ofMinSize(0).ofMaxSize(3)),
            weighted(1, spawn.list().ofMinSize(10).ofMaxSize(40)));
    return Combinators.combine(
            rootTokens,
            Arbitraries.longs().between(0, 10),
            rootUsd,
            Arbitraries.of(2, 3, 4),
            mix(
                weighted(6, Arbitraries.longs().between(1, 200)),
                weighted(1, Arbitraries.longs().between(200, 100_000))),
            Arbitraries.integers().between(0, 2),
            turn.list().ofMinSize(1).ofMaxSize(4))
        .as(AdversarialPlan::new);
  }

  private static Arbitrary<Long> spawnTokens() {
    return mix(
        weighted(2, Arbitraries.just(0L)),
        weighted(2, Arbitraries.just(1L)),
        weighted(3, Arbitraries.longs().between(2, 300)),
        weighted(3, Arbitraries.longs().between(300, 4_000)),
        weighted(1, Arbitraries.longs().between(100_000, 1_000_000_000)));
  }

  @SafeVarargs
  @SuppressWarnings("varargs")
  private static <T> Arbitrary<T> mix(Tuple.Tuple2<Integer, Arbitrary<T>>... parts) {
    return Arbitraries.frequencyOf(List.of(parts));
  }

  private static <T> Tuple.Tuple2<Integer, Arbitrary<T>> weighted(int weight, Arbitrary<T> a) {
    return Tuple.of(weight, a);
  }
}
