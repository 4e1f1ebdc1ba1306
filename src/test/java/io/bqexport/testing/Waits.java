package io.bqexport.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * An Awaitility wait (the harness-wide ceiling of {@link GenerousWaits}) whose timeout says what it waited for and
 * what it saw last, e.g. the resource's conditions and last run, instead of a bare "condition not met".
 */
public final class Waits {
  private Waits() {}

  /**
   * Polls {@code observe} until {@code done} holds and returns that observation.
   *
   * @param describe what an observation shows, for the failure message (null-safe: nothing may be observed yet)
   */
  public static <T> T until(String what, Callable<T> observe, Predicate<? super T> done,
      Function<? super T, String> describe) {
    AtomicReference<T> last = new AtomicReference<>();
    try {
      return Awaitility.await(what).until(() -> {
        T value = observe.call();
        last.set(value);
        return value;
      }, value -> value != null && done.test(value));
    } catch (ConditionTimeoutException e) {
      T seen = last.get();
      throw new AssertionError("Timed out waiting for " + what + "; last observed: "
          + (seen == null ? "nothing" : describe.apply(seen)), e);
    }
  }
}
