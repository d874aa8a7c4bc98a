package dev.tally.cli;

import dev.tally.blob.BlobStoreConfig;
import dev.tally.blob.BlobStoreException;
import dev.tally.blob.ManagedBlobStore;
import dev.tally.config.DurationText;
import dev.tally.gc.ConversationSweep;
import dev.tally.gc.TemporalRunLookup;
import dev.tally.worker.WorkerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally gc --older-than 30d}: deletes the conversations of long-closed runs. */
@Command(
    name = "gc",
    description = {
      "Delete the stored conversations of runs that closed longer ago than --older-than, from the"
          + " store the workers use (TALLY_BLOB_STORE: fs under TALLY_DATA_DIR, or s3). Open runs"
          + " keep theirs, whatever their age. Buckets can use lifecycle rules instead: see the"
          + " README."
    })
final class GcCommand extends TallyCommand {
  @Option(
      names = "--older-than",
      required = true,
      paramLabel = "DURATION",
      description =
          "How long ago a run must have closed, e.g. 30d, 12h, 90m (0s: every closed run).")
  String olderThan;

  @Option(names = "--dry-run", description = "Report what would be deleted; delete nothing.")
  boolean dryRun;

  @Option(
      names = "--forget-unknown-runs",
      description =
          "Delete even when Temporal knows none of the runs that own the old conversations (by"
              + " default that looks like the wrong namespace or server, and gc refuses).")
  boolean forgetUnknownRuns;

  @Override
  public Integer call() {
    Duration age;
    try {
      age = DurationText.parse("--older-than", olderThan);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage());
    }
    Map<String, String> env = root.env();
    BlobStoreConfig config;
    try {
      config = BlobStoreConfig.fromEnv(env, WorkerConfig.dataDirOf(env).resolve("blobs"));
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage());
    }
    try (TemporalSession session = root.connect();
        ManagedBlobStore store = config.open()) {
      ConversationSweep sweep =
          new ConversationSweep(
              store, new TemporalRunLookup(session.connection().stubs(), session.namespace()));
      Instant now = Instant.now();
      ConversationSweep.Report planned = sweep.sweep(now, age, true);
      if (!forgetUnknownRuns && planned.ownersFound() == 0 && planned.ownersUnknown() > 0) {
        // Every owner unknown is what a wrong namespace or server looks like: deleting then
        // would take open runs' conversations too.
        throw new CliException(
            ExitCode.FAILED,
            "gc: none of the "
                + planned.ownersUnknown()
                + " run(s) owning conversations older than "
                + olderThan
                + " exists in namespace "
                + session.namespace()
                + " at "
                + session.address()
                + "; deleted nothing. Check --namespace and --address, or pass"
                + " --forget-unknown-runs if their histories are really gone");
      }
      ConversationSweep.Report r = dryRun ? planned : sweep.sweep(now, age, false);
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("store", store.describe());
        doc.put("olderThan", age.toString());
        doc.put("dryRun", dryRun);
        doc.put("report", r);
        printJson(doc);
      } else {
        println(
            (dryRun ? "would delete " : "deleted ")
                + r.deleted()
                + " blob(s), "
                + r.deletedBytes()
                + " bytes, of "
                + r.deletedOwners().size()
                + " run(s) closed more than "
                + olderThan
                + " ago, from "
                + store.describe());
        println(
            "kept: "
                + r.keptOpen()
                + " of open runs, "
                + r.keptClosedRecently()
                + " of runs closed since, "
                + r.keptRecent()
                + " written since, "
                + r.keptUnknownOwner()
                + " with no recorded owner (from before conversation segments); "
                + r.scanned()
                + " scanned");
      }
      return ExitCode.OK;
    } catch (BlobStoreException e) {
      throw new CliException(ExitCode.FAILED, e.getMessage(), e);
    }
  }
}
