package io.streamgate.contract.events;

/**
 * Why one event of a batch was refused.
 *
 * @param index  position of the event in its batch (0 for a single event)
 * @param field  the offending field, or null when the event as a whole is wrong
 * @param reason what is wrong, for humans
 */
public record Violation(int index, String field, String reason) {
  @Override
  public String toString() {
    return "event " + index + (field == null ? "" : ", field " + field) + ": " + reason;
  }
}
