package dev.tally.cli;

import dev.tally.TallyWorkflows;
import dev.tally.worker.WorkerConfig;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code tally}: the operator CLI. It talks to runs only through Temporal; {@code server}, {@code
 * dev} and {@code demo} embed the SDK's test server and reuse the worker module's wiring.
 */
@Command(
    name = "tally",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    version = "tally 0.1.0",
    sortOptions = false,
    description = "Durable, budget-conserving supervision of LLM agents on Temporal.",
    footer = ExitCode.HELP_FOOTER,
    subcommands = {
      DemoCommand.class,
      DevCommand.class,
      ServerCommand.class,
      RunCommand.class,
      StatusCommand.class,
      WatchCommand.class,
      CancelCommand.class,
      RaiseCommand.class,
      FeedbackCommand.class,
      LedgerCommand.class,
      HistoryCommand.class,
      DelegateCommand.class,
      GateCommand.class,
      ExportCommand.class,
      StatsCommand.class,
      ObserveCommand.class,
      ExportEvalsCommand.class,
      BenchCommand.class,
      McpCommand.class,
      GcCommand.class
    })
public final class TallyCli implements Callable<Integer> {
  /** How long to wait for a Temporal server to answer before calling it unreachable. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  @Option(
      names = "--address",
      scope = ScopeType.INHERIT,
      paramLabel = "HOST:PORT",
      description = "Temporal frontend (default: $TEMPORAL_ADDRESS or 127.0.0.1:7233).")
  String address;

  @Option(
      names = "--namespace",
      scope = ScopeType.INHERIT,
      paramLabel = "NS",
      description = "Temporal namespace (default: $TEMPORAL_NAMESPACE or default).")
  String namespace;

  @Option(
      names = "--task-queue",
      scope = ScopeType.INHERIT,
      paramLabel = "QUEUE",
      description = "Task queue of Tally's workers (default: $TALLY_TASK_QUEUE or tally).")
  String taskQueue;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Log more, and print stack traces on errors.")
  boolean verbose;

  @Spec CommandSpec spec;

  private final Map<String, String> env;
  private final StopSignal stop;
  private final Duration pollInterval;

  TallyCli(Map<String, String> env, StopSignal stop, Duration pollInterval) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.stop = Objects.requireNonNull(stop, "stop");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
  }

  public static void main(String[] args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    quietLogging(verbose);
    PrintWriter out = utf8(FileDescriptor.out);
    PrintWriter err = utf8(FileDescriptor.err);
    CommandLine cli =
        commandLine(System.getenv(), StopSignal.onJvmShutdown(), Duration.ofMillis(250), out, err);
    int code = cli.execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * The CLI wired for one invocation: its environment (read for defaults only), how long-running
   * commands learn to stop, how often watchers poll, and where output goes.
   */
  public static CommandLine commandLine(
      Map<String, String> env,
      StopSignal stop,
      Duration pollInterval,
      PrintWriter out,
      PrintWriter err) {
    TallyCli root = new TallyCli(env, stop, pollInterval);
    CommandLine cli = new CommandLine(root);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          String name = ex.getCommandLine().getCommandSpec().qualifiedName();
          ex.getCommandLine()
              .getErr()
              .println(
                  "tally: "
                      + UsageMessages.plain(firstLine(ex.getMessage()))
                      + " (see `"
                      + name
                      + " --help`)");
          return ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          Failure f = Failure.classify(ex, root);
          commandLine.getErr().println("tally: " + f.message());
          if (root.verbose) {
            ex.printStackTrace(commandLine.getErr());
          }
          commandLine.getErr().flush();
          return f.exitCode();
        });
    return cli;
  }

  /** {@code tally} alone: the usage, and exit 2 because no command was given. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("tally: missing command");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  String address() {
    return firstSet(address, env.get(WorkerConfig.TEMPORAL_ADDRESS), WorkerConfig.DEFAULT_ADDRESS);
  }

  String namespace() {
    return firstSet(
        namespace, env.get(WorkerConfig.TEMPORAL_NAMESPACE), WorkerConfig.DEFAULT_NAMESPACE);
  }

  String taskQueue() {
    return firstSet(
        taskQueue, env.get(WorkerConfig.TALLY_TASK_QUEUE), TallyWorkflows.DEFAULT_TASK_QUEUE);
  }

  boolean verbose() {
    return verbose;
  }

  Map<String, String> env() {
    return env;
  }

  StopSignal stop() {
    return stop;
  }

  Duration pollInterval() {
    return pollInterval;
  }

  /** Connects to the configured Temporal server, failing fast (exit 4) when it does not answer. */
  TemporalSession connect() {
    String target = address();
    String problem = WorkerConfig.addressProblem(target);
    if (problem != null) {
      throw new CliException(ExitCode.USAGE, "--address: " + problem);
    }
    return TemporalSession.connect(target, namespace(), taskQueue(), PROBE_TIMEOUT);
  }

  private static String firstSet(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v.trim();
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "bad usage";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  private static PrintWriter utf8(FileDescriptor fd) {
    // Dollar floors print as "≥ $x": write UTF-8 whatever the platform's default charset is.
    return new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), true);
  }

  /**
   * The CLI's own output is the interface: the SDK and the embedded worker log only warnings unless
   * {@code --verbose}. System properties override the jar's {@code simplelogger.properties}.
   */
  private static void quietLogging(boolean verbose) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.temporal", verbose ? "info" : "error");
    System.setProperty("org.slf4j.simpleLogger.log.io.grpc", verbose ? "info" : "error");
  }
}
