package io.bqexport.operator.status;

import io.bqexport.api.v1alpha1.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.bqexport.api.v1alpha1.Reasons;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Emits one Event per condition transition worth telling a human about: a condition that turned True or False, or
 * changed its reason while False. Reconciles that change nothing emit nothing.
 *
 * <p>The expected first steps of a new or changed export (CredentialsValid, Scheduled or DataFresh turning True
 * from nothing, Unknown or a progress reason) get no Event of their own while Ready is True or still on its way
 * (Unknown, or False for a progress reason): the Ready Event sums them up ("Credentials valid, scheduled, data
 * fresh"), so the way to Ready costs one Event, not four (issue 18: requests per export). When Ready is False for a
 * failure (a fixed key, but the data still Stale), no Ready Event will sum them up, so they are told. Failures,
 * recoveries from a failure, Ready and run outcomes keep their Events.
 */
public final class StatusEvents {
  private static final List<String> TOLD = List.of(ConditionType.CREDENTIALS_VALID, ConditionType.READY,
      ConditionType.DATA_FRESH, ConditionType.SCHEDULED, ConditionType.COMPLETE, ConditionType.FAILED);
  /** Parts of Ready whose first turning True the Ready Event tells. */
  private static final Set<String> SUMMED_UP_BY_READY = Set.of(ConditionType.CREDENTIALS_VALID,
      ConditionType.SCHEDULED, ConditionType.DATA_FRESH);
  /** Reasons of normal progress, not worth an Event: the next transition says how it ended. */
  private static final Set<String> PROGRESS = Set.of(Reasons.VALIDATING, Reasons.VALIDATION_PENDING,
      Reasons.NOT_SCHEDULED, Reasons.CREDENTIALS_NOT_VALID, Reasons.PENDING, Reasons.WAITING_FOR_EXPORT);

  private final EventRecorder recorder;

  public StatusEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  public void recordTransitions(HasMetadata object, List<Condition> before, List<Condition> after) {
    Map<String, Condition> old = before == null ? Map.of()
        : before.stream().collect(Collectors.toMap(Condition::type, Function.identity(), (a, b) -> b));
    Set<String> toldReasons = new HashSet<>();
    boolean readyWillSumUp = after.stream().filter(c -> ConditionType.READY.equals(c.type())).findFirst()
        .map(r -> r.isTrue() || "Unknown".equals(r.status()) || PROGRESS.contains(r.reason())).orElse(true);
    for (Condition now : after) {
      if (!TOLD.contains(now.type()) || "Unknown".equals(now.status()) || PROGRESS.contains(now.reason())) {
        continue;
      }
      Condition was = old.get(now.type());
      boolean changed = was == null || !was.status().equals(now.status())
          || (!now.isTrue() && !Objects.equals(was.reason(), now.reason()));
      if (!changed || (readyWillSumUp && isFirstStep(now, was)) || !toldReasons.add(now.reason())) {
        continue; // one Event per reason: Ready repeats the reason of the condition that made it False
      }
      if (now.isTrue() == isGood(now.type())) {
        recorder.normal(object, now.reason(), now.type() + " is " + now.status() + ": " + now.message());
      } else {
        recorder.warning(object, now.reason(), now.message());
      }
    }
  }

  /** A part of Ready turning True for the first time, or after mere progress: not a recovery from a failure. */
  private static boolean isFirstStep(Condition now, Condition was) {
    return SUMMED_UP_BY_READY.contains(now.type()) && now.isTrue()
        && (was == null || "Unknown".equals(was.status()) || PROGRESS.contains(was.reason()));
  }

  private static boolean isGood(String type) {
    return !ConditionType.FAILED.equals(type);
  }
}
