package io.bqexport.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process with its wall time and peak RSS: from {@code /usr/bin/time -v} when present, else by sampling
 * VmHWM in /proc/PID/status.
 */
final class MeasuredProcess {
  private static final Path TIME = Path.of("/usr/bin/time");
  private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
  private static final Pattern HWM = Pattern.compile("VmHWM:\\s+(\\d+) kB");

  private static final Pattern CPU = Pattern.compile("(?:User|System) time \\(seconds\\): ([0-9.]+)");

  /** cpuSeconds: user plus system time of the child and its children (NaN without /usr/bin/time). */
  record Result(int exitCode, double seconds, long peakRssKiB, Path log, double cpuSeconds) {
    double peakRssMiB() {
      return peakRssKiB / 1024.0;
    }
  }

  private final Process process;
  private final boolean timed;
  private final Path log;
  private final long started;
  private volatile long sampledHwmKiB;
  private final Thread sampler;

  private MeasuredProcess(Process process, boolean timed, Path log, long started) {
    this.process = process;
    this.timed = timed;
    this.log = log;
    this.started = started;
    this.sampler = new Thread(this::sample, "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts {@code command}; stdout and stderr go to {@code log}. */
  static MeasuredProcess start(List<String> command, Path log) throws IOException {
    return start(command, Map.of(), log);
  }

  /** Starts {@code command} with {@code env} added to this process's environment. */
  static MeasuredProcess start(List<String> command, Map<String, String> env, Path log) throws IOException {
    boolean timed = Files.isExecutable(TIME);
    List<String> full = new ArrayList<>();
    if (timed) {
      full.addAll(List.of(TIME.toString(), "-v"));
    }
    full.addAll(command);
    long started = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    return new MeasuredProcess(p, timed, log, started);
  }

  long pid() {
    return process.pid();
  }

  long startedNanos() {
    return started;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The JVM's pid: the child of /usr/bin/time, or the process itself. */
  long javaPid() {
    return timed ? process.children().findFirst().map(ProcessHandle::pid).orElse(-1L) : process.pid();
  }

  private void sample() {
    while (process.isAlive()) {
      long pid = javaPid();
      if (pid > 0) {
        try {
          Matcher m = HWM.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
          if (m.find()) {
            sampledHwmKiB = Math.max(sampledHwmKiB, Long.parseLong(m.group(1)));
          }
        } catch (IOException | RuntimeException e) {
          // the process just ended
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Asks the process to stop (SIGTERM to the JVM) without waiting. */
  void terminate() {
    long pid = javaPid();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
  }

  Result await(long timeoutSeconds) throws IOException, InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new IOException("child did not finish within " + timeoutSeconds + " s; see " + log);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    sampler.interrupt();
    long rss = sampledHwmKiB;
    double cpu = Double.NaN;
    if (timed) {
      String output = Files.readString(log);
      Matcher m = MAX_RSS.matcher(output);
      if (m.find()) {
        rss = Long.parseLong(m.group(1));
      }
      Matcher c = CPU.matcher(output);
      for (cpu = 0; c.find(); ) {
        cpu += Double.parseDouble(c.group(1));
      }
    }
    return new Result(process.exitValue(), seconds, rss, log, cpu);
  }
}
