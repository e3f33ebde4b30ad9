package io.streamgate.connector.config;

/**
 * A configuration value that cannot be used. The message is one line naming where the value came
 * from (file, and the environment variable if one overrode it), the field and the problem:
 * {@code connector.yaml: database.port must be 1-65535, but was 70000}.
 */
public final class ConfigException extends RuntimeException {
  private final String source;
  private final String field;
  private final String problem;

  /**
   * @param field   dotted path of the field, relative to whoever throws (records know only their
   *                own fields; callers add the parents with {@link #within})
   * @param problem what is wrong, phrased to follow the field name ("must be ..., but was ...")
   */
  public ConfigException(String field, String problem) {
    this(null, field, problem);
  }

  private ConfigException(String source, String field, String problem) {
    super(null, null, false, false);
    this.source = source;
    this.field = field;
    this.problem = problem;
  }

  /** The same problem with {@code parent} put in front of the field path. */
  public ConfigException within(String parent) {
    return new ConfigException(source, field == null ? parent : parent + "." + field, problem);
  }

  /** The same problem, attributed to a file or other source. */
  public ConfigException in(String source) {
    return new ConfigException(source, field, problem);
  }

  /** The same problem, noting which environment variable supplied the value. */
  ConfigException fromEnv(String variable) {
    return new ConfigException(source, field + " (from " + variable + ")", problem);
  }

  public String field() {
    return field;
  }

  public String problem() {
    return problem;
  }

  @Override
  public String getMessage() {
    String what = field == null ? problem : field + " " + problem;
    return source == null ? what : source + ": " + what;
  }
}
