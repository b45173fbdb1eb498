package com.fleetstream.jobs.runtime;

import com.fleetstream.args.InvalidArgumentException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every job's main does around its work: a bad argument stops it at once, naming the argument. */
public final class JobMain {
  private static final Logger LOG = LoggerFactory.getLogger(JobMain.class);

  private JobMain() {}

  public static <C> void run(String job, Supplier<C> parseConfig, Consumer<C> body) {
    C config;
    try {
      config = parseConfig.get();
    } catch (InvalidArgumentException e) {
      LOG.error("{} job: bad argument: {}", job, e.getMessage());
      System.err.println(job + " job: bad argument: " + e.getMessage());
      throw e;
    }
    LOG.info("{} job starting with {}", job, config);
    body.accept(config);
  }
}
