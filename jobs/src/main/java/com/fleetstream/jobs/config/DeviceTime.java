package com.fleetstream.jobs.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Each device's own event time, as the per-device state functions (windows, trips) keep it: a
 * device's clock is the latest event time it sent, and its fixes are taken in event-time order once
 * its clock is {@code reorder} past them. Other devices' clocks, and quarantined records, move it
 * not at all. A device silent for {@code maxDelay} of stream time (Kinesis arrival time, which a
 * backlog read after an outage replays as it was) has its open window and trip closed; one silent
 * for {@code retention} is forgotten.
 *
 * @param reorder {@code WINDOW_WATERMARK}: how far out of order a device's own fixes may come
 * @param maxDelay {@code MAX_DEVICE_DELAY}: how long a device may fall silent (a tunnel, a dead zone,
 *     store-and-forward) and still have its buffered fixes land in the window and trip they belong to
 * @param retention how long a silent device's state is kept after it was closed
 */
public record DeviceTime(Duration reorder, Duration maxDelay, Duration retention) implements Serializable {}
