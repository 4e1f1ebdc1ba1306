package io.bqexport.cli;

import io.bqexport.exporter.Version;
import picocli.CommandLine.IVersionProvider;

/** `bqexport --version`. */
public final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {"bqexport " + Version.current()};
  }
}
