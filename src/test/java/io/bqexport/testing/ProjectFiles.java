package io.bqexport.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files of the repository from tests, wherever Maven or an IDE runs them. */
public final class ProjectFiles {
  private ProjectFiles() {}

  public static Path root() {
    String configured = System.getProperty("bqexport.projectDir");
    Path dir = Path.of(configured != null ? configured : "").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("cannot find the project root (pom.xml) from " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  public static Path resolve(String relative) {
    return root().resolve(relative);
  }
}
