package io.bqexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BqExportCommandTest {

  @Test
  void helpListsTheProgramName() {
    StringWriter out = new StringWriter();
    int code = new CommandLine(new BqExportCommand()).setOut(new PrintWriter(out)).execute("--help");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("bqexport");
  }
}
