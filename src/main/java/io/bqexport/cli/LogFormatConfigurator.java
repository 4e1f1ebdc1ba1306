package io.bqexport.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging for both the operator and the exporter: plain text by default, one JSON object per line with
 * LOG_FORMAT=json, on stderr so that a command's own output on stdout stays clean. LOG_LEVEL sets the level of
 * bqexport's loggers (default INFO). Loaded by logback through java.util.ServiceLoader.
 */
public final class LogFormatConfigurator extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    boolean json = "json".equalsIgnoreCase(System.getenv("LOG_FORMAT"));
    Encoder<ILoggingEvent> encoder;
    if (json) {
      JsonEncoder jsonEncoder = new JsonEncoder();
      jsonEncoder.setWithSequenceNumber(false);
      jsonEncoder.setWithNanoseconds(false);
      jsonEncoder.setWithContext(false);
      encoder = jsonEncoder;
    } else {
      PatternLayoutEncoder pattern = new PatternLayoutEncoder();
      pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{30} - %msg%n");
      encoder = pattern;
    }
    encoder.setContext(context);
    encoder.start();

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(console);
    String level = System.getenv("LOG_LEVEL");
    context.getLogger("io.bqexport").setLevel(Level.toLevel(level, Level.INFO));
    context.getLogger("io.javaoperatorsdk").setLevel(Level.INFO);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
