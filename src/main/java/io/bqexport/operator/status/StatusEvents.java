package io.bqexport.operator.status;

import io.bqexport.api.v1alpha1.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Emits one Event per condition transition worth telling a human about: a condition that turned True or False, or
 * changed its reason while False. Reconciles that change nothing emit nothing.
 */
public final class StatusEvents {
  private static final List<String> TOLD = List.of(ConditionType.CREDENTIALS_VALID, ConditionType.READY,
      ConditionType.DATA_FRESH, ConditionType.SCHEDULED, ConditionType.COMPLETE, ConditionType.FAILED);

  private final EventRecorder recorder;

  public StatusEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  public void recordTransitions(HasMetadata object, List<Condition> before, List<Condition> after) {
    Map<String, Condition> old = before == null ? Map.of()
        : before.stream().collect(Collectors.toMap(Condition::type, Function.identity(), (a, b) -> b));
    for (Condition now : after) {
      if (!TOLD.contains(now.type()) || "Unknown".equals(now.status())) {
        continue;
      }
      Condition was = old.get(now.type());
      boolean changed = was == null || !was.status().equals(now.status())
          || (!now.isTrue() && !Objects.equals(was.reason(), now.reason()));
      if (!changed) {
        continue;
      }
      if (now.isTrue() == isGood(now.type())) {
        recorder.normal(object, now.reason(), now.type() + " is " + now.status() + ": " + now.message());
      } else {
        recorder.warning(object, now.reason(), now.message());
      }
    }
  }

  private static boolean isGood(String type) {
    return !ConditionType.FAILED.equals(type);
  }
}
