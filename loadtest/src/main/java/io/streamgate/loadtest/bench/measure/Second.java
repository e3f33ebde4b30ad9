package io.streamgate.loadtest.bench.measure;

/**
 * One second of a run: {@code second} counts from the start of measurement (warm-up seconds are
 * not part of the series). {@code count} is completed units, {@code rate} per second over the
 * actual interval.
 */
public record Second(int second, long count, double rate, long errors, double p50Ms, double p99Ms,
    double maxMs) {}
