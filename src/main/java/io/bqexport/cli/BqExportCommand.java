package io.bqexport.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point of the jar and the image: `bqexport operator` and `bqexport export`. */
@Command(name = "bqexport", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    subcommands = {OperatorCommand.class, ExportCommand.class},
    description = "Exports Amplitude events into BigQuery exactly once.")
public final class BqExportCommand implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new BqExportCommand()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
