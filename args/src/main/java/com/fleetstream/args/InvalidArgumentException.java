package com.fleetstream.args;

/** A job argument that is missing or wrong; the message starts with its name. */
public final class InvalidArgumentException extends IllegalArgumentException {
  private final String key;

  public InvalidArgumentException(String key, String problem) {
    super("--" + key + " " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
