package com.fleetstream.jobs.transform.planted;

import com.fleetstream.jobs.sink.BatchSink;

/** A wrong import, planted for JobLayersTest: a transformation that knows a sink. */
public final class PlantedTransform {
  private PlantedTransform() {}

  public static Class<?> reachesForASink() {
    return BatchSink.class;
  }
}
