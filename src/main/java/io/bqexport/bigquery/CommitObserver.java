package io.bqexport.bigquery;

import io.bqexport.ExportWindow;

/** Told when the commit protocol reaches each step; a test can throw there to simulate a crash. */
@FunctionalInterface
public interface CommitObserver {

  CommitObserver NONE = (step, window) -> { };

  void reached(CommitStep step, ExportWindow window);
}
