package com.fleetstream.jobs.config;

import com.fleetstream.args.GlueArgs;
import org.slf4j.LoggerFactory;

final class ConfigLog {
  private ConfigLog() {}

  static void unread(String job, GlueArgs args) {
    if (!args.unread().isEmpty()) {
      LoggerFactory.getLogger(ConfigLog.class)
          .info("{}: ignoring arguments it does not use (Glue's own, or misspelt): {}", job, args.unread());
    }
  }
}
