package dev.tally.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.delegate.DelegationProfiles;
import dev.tally.delegate.DelegationRequest;
import dev.tally.delegate.DelegationResult;
import dev.tally.delegate.DelegationStatus;
import dev.tally.delegate.DelegationSubmitter;
import dev.tally.delegate.DelegationWorkflowImpl;
import dev.tally.delegate.ResearchAnswer;
import dev.tally.delegate.Submission;
import dev.tally.export.ExportConfig;
import dev.tally.export.ExportEvalRunsActivitiesImpl;
import dev.tally.json.Json;
import dev.tally.meter.RecordingMeter;
import dev.tally.research.KbGate;
import dev.tally.research.ResearchFact;
import dev.tally.research.VetoedFact;
import dev.tally.supervise.EvalRunLabels;
import dev.tally.visibility.VisibilityActivitiesImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A research delegation on the real local sandbox, its harness a script that prints findings. */
class ResearchDelegationOnLocalSandboxTest {
  @RegisterExtension
  static final TestWorkflowExtension ext =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(DelegationWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  @TempDir Path tmp;
  private final RecordingMeter meter = new RecordingMeter();

  /** Five facts: three grounded, one whose passage is not in its source, one citing the spec. */
  static final String FINDINGS =
      """
      I read the sources. Result:
      ```json
      {"answer": "Temporal keeps workflow state as an event history and replays it.",
       "facts": [
         {"claim": "histories are append-only", "verbatimPassage": "the event history is append-only",
          "sourceRef": "docs", "citation": "https://docs.temporal.io/workflows"},
         {"claim": "default history limit", "value": 51200,
          "verbatimPassage": "a limit of 51,200 events per workflow execution",
          "sourceRef": "docs", "citation": "https://docs.temporal.io/workflows"},
         {"claim": "replay", "value": "replay",
          "verbatimPassage": "Workers replay the history to rebuild state",
          "sourceText": "After a crash, Workers replay the history to rebuild state.",
          "citation": "https://docs.temporal.io/encyclopedia"},
         {"claim": "histories are unlimited", "verbatimPassage": "histories can grow without any limit",
          "sourceRef": "docs", "citation": "https://docs.temporal.io/workflows"},
         {"claim": "limit restated", "value": 51200,
          "verbatimPassage": "a limit of 51,200 events per workflow execution",
          "sourceRef": "docs", "citation": "the task spec"}],
       "sources": [{"ref": "docs", "title": "Workflows", "url": "https://docs.temporal.io/workflows",
                    "text": "In Temporal the event history is append-only. The service enforces\\na limit of 51,200 events per workflow execution."}]}
      ```
      """;

  @Test
  void researchDelegation_fiveFactsTwoBad_acceptsThreeAndNamesBothVetoes(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    Path findings = Files.writeString(tmp.resolve("findings.txt"), FINDINGS);
    SandboxConfig config = Fixtures.config(tmp.resolve("data"), "cat '" + findings + "'");
    Path outbox = tmp.resolve("outbox/eval-runs.jsonl");
    worker.registerActivitiesImplementations(
        SandboxActivitiesImpl.create(config),
        meter,
        new ExportEvalRunsActivitiesImpl(new ExportConfig(null, null, outbox, null)),
        VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()));
    env.start();
    ObjectNode args = Json.CANONICAL.createObjectNode();
    args.put("question", "How does Temporal keep workflow state?");
    args.put("namespace", "temporal-notes");
    args.putObject("config").putArray("selfArtifactKinds").add("spec");
    DelegationRequest request =
        DelegationRequest.of(DelegationProfiles.RESEARCHER, args, null)
            .withTiming(100L, null)
            .withEvalRun(new EvalRunLabels(null, Map.of("suite", "research")));

    Submission s = DelegationSubmitter.submit(client, worker.getTaskQueue(), request);
    DelegationResult r =
        client.newUntypedWorkflowStub(s.taskId()).getResult(DelegationResult.class);

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    ResearchAnswer answer = Json.convert(r.result(), ResearchAnswer.class);
    assertThat(answer.answer()).startsWith("Temporal keeps workflow state");
    assertThat(answer.accepted())
        .extracting(ResearchFact::claim)
        .containsExactly("histories are append-only", "default history limit", "replay");
    assertThat(answer.vetoed()).hasSize(2);
    VetoedFact absent = answer.vetoed().get(0);
    assertThat(absent.fact().claim()).isEqualTo("histories are unlimited");
    assertThat(absent.vetoedBy()).isEqualTo(KbGate.PASSAGE_PRESENT);
    assertThat(absent.reason()).isEqualTo("verbatimPassage: not found verbatim in its source text");
    VetoedFact circular = answer.vetoed().get(1);
    assertThat(circular.fact().claim()).isEqualTo("limit restated");
    assertThat(circular.vetoedBy()).isEqualTo(KbGate.NO_CIRCULAR_CITATION);
    assertThat(circular.reason()).contains("'spec'");
    // Its eval-run record: one generation, the answer's content address, the cost unknown (a
    // floor: this harness reports no usage), waiting in the outbox.
    assertThat(r.evalRecord().generations())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.surfaceHash()).isEqualTo(Json.contentRef(r.result()));
              assertThat(g.costUsd()).isEqualByComparingTo("0");
            });
    assertThat(r.costUsd()).isNull();
    assertThat(r.spent().usdSource()).isEqualTo(dev.tally.ledger.UsdSource.UNKNOWN);
    assertThat(Files.readString(outbox)).contains(s.taskId());
    // The turn's evidence counts what the gate saw.
    assertThat(r.turns())
        .singleElement()
        .satisfies(t -> assertThat(t.evidence().get("factsVetoed").asInt()).isEqualTo(2));
  }

  @Test
  void commandJudge_vetoesAFactTheFloorAccepted_namingItselfAndItsReason(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    Path findings = Files.writeString(tmp.resolve("findings.txt"), FINDINGS);
    SandboxConfig config = Fixtures.config(tmp.resolve("data"), "cat '" + findings + "'");
    worker.registerActivitiesImplementations(
        SandboxActivitiesImpl.create(config),
        meter,
        VisibilityActivitiesImpl.create(env.getWorkflowServiceStubs(), env.getNamespace()));
    env.start();
    String judge =
        "if grep -q '\"claim\":\"replay\"' \"$TALLY_FACT_FILE\"; then"
            + " echo '{\"accept\":false,\"reason\":\"replay is not about storage\"}';"
            + " else echo checked; echo '{\"accept\":true}'; fi";
    ObjectNode args = Json.CANONICAL.createObjectNode();
    args.put("question", "How does Temporal keep workflow state?");
    args.put("namespace", "temporal-notes");
    ObjectNode c = args.putObject("config");
    c.putArray("selfArtifactKinds").add("spec");
    c.putArray("judges").addObject().put("kind", "command").put("cmd", judge);
    DelegationRequest request =
        DelegationRequest.of(DelegationProfiles.RESEARCHER, args, null).withTiming(100L, null);

    Submission s = DelegationSubmitter.submit(client, worker.getTaskQueue(), request);
    DelegationResult r =
        client.newUntypedWorkflowStub(s.taskId()).getResult(DelegationResult.class);

    assertThat(r.status()).isEqualTo(DelegationStatus.COMPLETED);
    ResearchAnswer answer = Json.convert(r.result(), ResearchAnswer.class);
    assertThat(answer.accepted())
        .extracting(ResearchFact::claim)
        .containsExactly("histories are append-only", "default history limit");
    // The floor's vetoes come first in proposal order; the judge saw only what the floor passed.
    assertThat(answer.vetoed())
        .extracting(VetoedFact::vetoedBy)
        .containsExactly("command:" + judge, KbGate.PASSAGE_PRESENT, KbGate.NO_CIRCULAR_CITATION);
    assertThat(answer.vetoed().get(0).fact().claim()).isEqualTo("replay");
    assertThat(answer.vetoed().get(0).reason()).isEqualTo("replay is not about storage");
  }
}
