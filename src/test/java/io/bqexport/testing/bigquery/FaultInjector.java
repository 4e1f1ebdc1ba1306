package io.bqexport.testing.bigquery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Faults and hooks for tests. A rule matches a request by HTTP method ({@code null} or "*" for any) and a regular
 * expression found in the path, for example {@code ("PUT", "^/upload/")} or {@code ("POST", "/queries$")}.
 */
public final class FaultInjector {
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<StatementHook> statementHooks = new CopyOnWriteArrayList<>();
  private volatile Duration jobRunningTime = Duration.ZERO;

  /** What the emulator does with a request after consulting the rules. */
  record Decision(Duration delay, ApiException failure, Integer dropUploadAfterBytes, boolean dropResponse,
      com.fasterxml.jackson.databind.JsonNode answer) {}

  private abstract static class Rule {
    final String method;
    final Pattern path;
    final AtomicInteger remaining;

    Rule(String method, String pathRegex, int times) {
      this.method = method;
      this.path = Pattern.compile(pathRegex);
      this.remaining = new AtomicInteger(times);
    }

    boolean matches(EmulatorRequest request) {
      return (method == null || method.equals("*") || method.equalsIgnoreCase(request.method()))
          && path.matcher(request.path()).find();
    }

    /** Consumes one use if the rule matches and is not used up. */
    boolean take(EmulatorRequest request) {
      if (!matches(request)) {
        return false;
      }
      while (true) {
        int left = remaining.get();
        if (left == 0) {
          return false;
        }
        if (left < 0 || remaining.compareAndSet(left, left - 1)) {
          return true;
        }
      }
    }
  }

  /** Answers the next {@code times} matching requests with this HTTP status and BigQuery error reason. */
  public FaultInjector failNext(String method, String pathRegex, int times, int status, String reason) {
    return failNext(method, pathRegex, times, status, reason, "Injected fault: HTTP " + status + " " + reason);
  }

  /** The same with BigQuery's error message, e.g. one that echoes part of the request back. */
  public FaultInjector failNext(String method, String pathRegex, int times, int status, String reason,
      String message) {
    ApiException failure = new ApiException(status, reason, message);
    rules.add(new FailRule(method, pathRegex, times) {
      @Override
      ApiException failure(EmulatorRequest request) {
        return failure;
      }
    });
    return this;
  }

  /** Delays every matching request (until {@link #clear()}) before handling it. */
  public FaultInjector delay(String method, String pathRegex, Duration delay) {
    rules.add(new DelayRule(method, pathRegex, delay, -1));
    return this;
  }

  /** Delays only the next {@code times} matching requests, e.g. to make one attempt hit the client's timeout. */
  public FaultInjector delayNext(String method, String pathRegex, int times, Duration delay) {
    rules.add(new DelayRule(method, pathRegex, delay, times));
    return this;
  }

  /**
   * The next {@code times} upload chunk PUTs are cut: the emulator reads {@code afterBytes} bytes of the body, then
   * closes the connection without answering. Nothing of such a chunk is committed.
   */
  public FaultInjector dropUploadConnection(int afterBytes, int times) {
    rules.add(new DropUploadRule(afterBytes, times));
    return this;
  }

  /**
   * The next {@code times} matching requests are fully processed (a load or query commits), but the connection is
   * closed instead of answering: the client never learns the outcome, as when a pod dies at that moment.
   */
  public FaultInjector dropResponse(String method, String pathRegex, int times) {
    rules.add(new DropResponseRule(method, pathRegex, times));
    return this;
  }

  /**
   * Denies the next matching request with 403 accessDenied, naming the permission like BigQuery does, e.g.
   * "Access Denied: Dataset p:d: Permission bigquery.tables.create denied on dataset p:d (or it may not exist)."
   */
  public FaultInjector deny(String method, String pathRegex, String permission) {
    rules.add(new DenyRule(method, pathRegex, permission));
    return this;
  }

  /**
   * The next {@code times} matching requests are not handled: they are answered 200 with {@code body}, as by a
   * misconfigured proxy or gateway in front of BigQuery. BigQuery itself always answers with its documented
   * resource shapes (e.g. a Dataset always carries its datasetReference); this is for tests of callers facing an
   * answer they cannot interpret.
   */
  public FaultInjector answerNext(String method, String pathRegex, int times,
      com.fasterxml.jackson.databind.JsonNode body) {
    rules.add(new AnswerRule(method, pathRegex, times, body));
    return this;
  }

  /** Calls the hook for every matching request before it is handled; a hook may block to hold the request. */
  public FaultInjector onRequest(String method, String pathRegex, Consumer<EmulatorRequest> hook) {
    rules.add(new HookRule(method, pathRegex, hook));
    return this;
  }

  /**
   * Calls the hook after a matching request was handled (a load or DML has committed) and before its answer is
   * written: the moment to crash the caller for "committed, but the client never heard" tests.
   */
  public FaultInjector onHandled(String method, String pathRegex, Consumer<EmulatorRequest> hook) {
    rules.add(new HandledHookRule(method, pathRegex, hook));
    return this;
  }

  /**
   * The next {@code reads} reads of a job whose id matches {@code jobIdRegex} (jobs.get and getQueryResults) show it
   * as still RUNNING, however far it got: for tests of callers that wait for jobs.
   */
  public FaultInjector reportRunning(String jobIdRegex, int reads) {
    rules.add(new RunningRule("/(jobs|queries)/" + jobIdRegex + "$", reads));
    return this;
  }

  /**
   * Calls the hook after each SQL statement whose text (tokens joined by single spaces, e.g.
   * {@code "UPDATE d . t SET ..."}) matches {@code statementRegex} has run, inside its transaction if any: a hook
   * that blocks holds the script there, so tests can interleave concurrent transactions without sleeping.
   */
  public FaultInjector onStatement(String statementRegex, Consumer<String> hook) {
    statementHooks.add(new StatementHook(Pattern.compile(statementRegex), hook));
    return this;
  }

  private record StatementHook(Pattern statement, Consumer<String> hook) {}

  void statementDone(java.util.List<SqlToken> statement) {
    if (statementHooks.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder();
    for (SqlToken token : statement) {
      text.append(text.length() == 0 ? "" : " ").append(token.text());
    }
    for (StatementHook hook : statementHooks) {
      if (hook.statement().matcher(text).find()) {
        hook.hook().accept(text.toString());
      }
    }
  }

  /**
   * How long every job started from now on stays RUNNING before it does its work. Even at zero (the default) jobs
   * run in the background: an insert answers PENDING and callers must poll jobs.get, as with BigQuery.
   */
  public FaultInjector jobsRunFor(Duration runningTime) {
    this.jobRunningTime = runningTime;
    return this;
  }

  Duration jobRunningTime() {
    return jobRunningTime;
  }

  /** Removes every rule and hook, and lets jobs run without delay again. */
  public void clear() {
    jobRunningTime = Duration.ZERO;
    rules.clear();
    statementHooks.clear();
  }

  Decision decide(EmulatorRequest request) {
    Duration delay = Duration.ZERO;
    for (Rule rule : rules) {
      if (rule instanceof HookRule hook && hook.matches(request)) {
        hook.hook.accept(request);
      } else if (rule instanceof DelayRule d && d.take(request)) {
        delay = delay.plus(d.delay);
      }
    }
    for (Rule rule : rules) {
      if (rule instanceof FailRule f && f.take(request)) {
        return new Decision(delay, f.failure(request), null, false, null);
      }
      if (rule instanceof DropUploadRule d && d.take(request)) {
        return new Decision(delay, null, d.afterBytes, false, null);
      }
      if (rule instanceof DropResponseRule d && d.take(request)) {
        return new Decision(delay, null, null, true, null);
      }
      if (rule instanceof AnswerRule a && a.take(request)) {
        return new Decision(delay, null, null, false, a.body);
      }
    }
    return new Decision(delay, null, null, false, null);
  }

  boolean pretendRunning(EmulatorRequest request) {
    for (Rule rule : rules) {
      if (rule instanceof RunningRule running && running.take(request)) {
        return true;
      }
    }
    return false;
  }

  private static final class RunningRule extends Rule {
    RunningRule(String pathRegex, int reads) {
      super("GET", pathRegex, reads);
    }
  }

  void handled(EmulatorRequest request) {
    for (Rule rule : rules) {
      if (rule instanceof HandledHookRule hook && hook.matches(request)) {
        hook.hook.accept(request);
      }
    }
  }

  private static final class HandledHookRule extends Rule {
    final Consumer<EmulatorRequest> hook;

    HandledHookRule(String method, String pathRegex, Consumer<EmulatorRequest> hook) {
      super(method, pathRegex, -1);
      this.hook = hook;
    }
  }

  private abstract static class FailRule extends Rule {
    FailRule(String method, String pathRegex, int times) {
      super(method, pathRegex, times);
    }

    abstract ApiException failure(EmulatorRequest request);
  }

  private static final class DelayRule extends Rule {
    final Duration delay;

    DelayRule(String method, String pathRegex, Duration delay, int times) {
      super(method, pathRegex, times);
      this.delay = delay;
    }
  }

  private static final class DropUploadRule extends Rule {
    final int afterBytes;

    DropUploadRule(int afterBytes, int times) {
      super("PUT", "^/upload/", times);
      this.afterBytes = afterBytes;
    }
  }

  private static final class DropResponseRule extends Rule {
    DropResponseRule(String method, String pathRegex, int times) {
      super(method, pathRegex, times);
    }
  }

  private static final class AnswerRule extends Rule {
    final com.fasterxml.jackson.databind.JsonNode body;

    AnswerRule(String method, String pathRegex, int times, com.fasterxml.jackson.databind.JsonNode body) {
      super(method, pathRegex, times);
      this.body = body;
    }
  }

  private static final class HookRule extends Rule {
    final Consumer<EmulatorRequest> hook;

    HookRule(String method, String pathRegex, Consumer<EmulatorRequest> hook) {
      super(method, pathRegex, -1);
      this.hook = hook;
    }
  }

  private static final class DenyRule extends FailRule {
    private static final Pattern RESOURCE =
        Pattern.compile("/projects/([^/]+)(?:/datasets/([^/]+)(?:/tables/([^/]+))?)?");
    final String permission;

    DenyRule(String method, String pathRegex, String permission) {
      super(method, pathRegex, 1);
      this.permission = permission;
    }

    @Override
    ApiException failure(EmulatorRequest request) {
      Matcher m = RESOURCE.matcher(request.path());
      String message;
      if (m.find() && m.group(3) != null) {
        String table = m.group(1) + ":" + m.group(2) + "." + m.group(3);
        message = "Access Denied: Table " + table + ": Permission " + permission + " denied on table " + table
            + " (or it may not exist).";
      } else if (m.find(0) && m.group(2) != null) {
        String dataset = m.group(1) + ":" + m.group(2);
        message = "Access Denied: Dataset " + dataset + ": Permission " + permission + " denied on dataset "
            + dataset + " (or it may not exist).";
      } else {
        String project = m.find(0) ? m.group(1) : "unknown";
        message = "Access Denied: Project " + project + ": User does not have " + permission
            + " permission in project " + project + ".";
      }
      return new ApiException(403, "accessDenied", message);
    }
  }
}
