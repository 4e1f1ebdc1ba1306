package io.bqexport.testing.amplitude;

import java.util.SplittableRandom;

/**
 * The timestamps of one event, in epoch microseconds, related as Amplitude relates them: the server receives
 * and uploads within the upload hour; the client clock may be skewed; event_time is client_event_time corrected
 * by the skew; about 5% of events are late (sent days after they happened, e.g. from an offline phone).
 */
record EventTimes(long serverUpload, long serverReceived, long processed, long clientUpload, long clientEvent,
    long event) {

  static EventTimes draw(SplittableRandom r, long hourStart, long hourMicros, long dayMicros) {
    long serverUpload = hourStart + r.nextLong(hourMicros);
    long serverReceived = serverUpload - r.nextLong(2_000_000);
    long processed = serverUpload + r.nextLong(100_000, 300_000_000);
    long latency = r.nextLong(20_000, 3_000_000);
    int skewKind = r.nextInt(50);
    long skew = skewKind < 4 ? r.nextLong(-300_000_000, 300_000_000) : skewKind == 4 ? 2 * hourMicros : 0;
    long clientUpload = serverReceived - latency + skew;
    long delay = r.nextInt(20) == 0 ? r.nextLong(dayMicros, 10 * dayMicros) : r.nextLong(60_000_000);
    long clientEvent = clientUpload - delay;
    long event = serverReceived - delay;
    return new EventTimes(serverUpload, serverReceived, processed, clientUpload, clientEvent, event);
  }
}
