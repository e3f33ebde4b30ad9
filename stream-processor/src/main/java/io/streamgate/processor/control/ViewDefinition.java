package io.streamgate.processor.control;

import io.streamgate.contract.Names;
import io.streamgate.contract.control.ViewStatus.State;
import io.streamgate.contract.json.Json;
import io.streamgate.contract.json.JsonException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A published view as the processor keeps it in Redis ({@code Keyspace.viewDefinitions()}): the
 * definition of each of its versions in the pipeline file's format, and where each version is in
 * its life. Immutable; changes make new instances.
 *
 * @param serving  the version serving the view's name, 0 while the first one backfills
 * @param versions oldest first; each has its own table ({@link Names#table}) and checkpoint
 * @param fileHash {@link #specHash} of the view's definition as the pipeline file last gave it,
 *     so a restart re-applies the file only where the file changed; null for views published
 *     through the admin API alone
 * @param dropped  the view is being dropped: its versions retire and then it is gone
 */
public record ViewDefinition(String name, long serving, List<Version> versions, String fileHash,
    boolean dropped) {

  /**
   * One version of a view.
   *
   * @param spec      the view's settings as in a pipeline file ({@code sql}, {@code key}, …)
   * @param retireAt  epoch ms when a retiring version's rows go; 0 otherwise
   * @param reason    why it failed, empty otherwise
   */
  public record Version(long version, Map<String, Object> spec, State state, long createdAt,
      long retireAt, String reason) {
    public Version {
      spec = canonical(spec);
      reason = reason == null ? "" : reason;
    }

    public Version withState(State newState, long newRetireAt, String newReason) {
      return new Version(version, spec, newState, createdAt, newRetireAt, newReason);
    }
  }

  public ViewDefinition {
    Names.requireViewName(name);
    versions = List.copyOf(versions);
  }

  /** A new view: version 1, backfilling. */
  public static ViewDefinition created(String name, Map<String, Object> spec, long now,
      String fileHash) {
    return new ViewDefinition(name, 0,
        List.of(new Version(1, spec, State.BACKFILLING, now, 0, "")), fileHash, false);
  }

  public Version latest() {
    return versions.get(versions.size() - 1);
  }

  public Optional<Version> version(long version) {
    return versions.stream().filter(v -> v.version() == version).findFirst();
  }

  /** Whether {@code spec} is what the newest version already runs. */
  public boolean runs(Map<String, Object> spec) {
    return specHash(latest().spec()).equals(specHash(spec));
  }

  /** This view with a new version of {@code spec}, backfilling beside the current ones. */
  public ViewDefinition altered(Map<String, Object> spec, long now, String newFileHash) {
    List<Version> next = new ArrayList<>(versions);
    next.add(new Version(latest().version() + 1, spec, State.BACKFILLING, now, 0, ""));
    return new ViewDefinition(name, serving, next, newFileHash, false);
  }

  public ViewDefinition withVersion(Version changed) {
    List<Version> next = new ArrayList<>();
    for (Version v : versions) {
      next.add(v.version() == changed.version() ? changed : v);
    }
    return new ViewDefinition(name, serving, next, fileHash, dropped);
  }

  public ViewDefinition withServing(long version) {
    return new ViewDefinition(name, version, versions, fileHash, dropped);
  }

  public ViewDefinition withoutVersion(long version) {
    return new ViewDefinition(name, serving, versions.stream()
        .filter(v -> v.version() != version).toList(), fileHash, dropped);
  }

  public ViewDefinition withFileHash(String hash) {
    return new ViewDefinition(name, serving, versions, hash, dropped);
  }

  public ViewDefinition asDropped() {
    return new ViewDefinition(name, serving, versions, fileHash, true);
  }

  /** A stable digest of a definition: the same settings in any order give the same hash. */
  public static String specHash(Map<String, Object> spec) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(Json.write(canonical(spec)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> canonical(Map<String, Object> spec) {
    Map<String, Object> sorted = new TreeMap<>();
    spec.forEach((k, v) -> sorted.put(k, v instanceof Map<?, ?> m
        ? canonical((Map<String, Object>) m) : v));
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
  }

  public String toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("serving", serving);
    List<Object> list = new ArrayList<>();
    for (Version v : versions) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", v.version());
      m.put("spec", v.spec());
      m.put("state", v.state().wireName());
      m.put("createdAt", v.createdAt());
      m.put("retireAt", v.retireAt());
      m.put("reason", v.reason());
      list.add(m);
    }
    out.put("versions", list);
    out.put("fileHash", fileHash);
    out.put("dropped", dropped);
    return Json.write(out);
  }

  /** @throws JsonException if the text is not a view definition */
  @SuppressWarnings("unchecked")
  public static ViewDefinition fromJson(String json) {
    Map<String, Object> in = Json.parseObject(json);
    try {
      List<Version> versions = new ArrayList<>();
      for (Object o : (List<Object>) in.get("versions")) {
        Map<String, Object> m = (Map<String, Object>) o;
        versions.add(new Version(number(m.get("version")), (Map<String, Object>) m.get("spec"),
            State.valueOf(((String) m.get("state")).toUpperCase(java.util.Locale.ROOT)),
            number(m.get("createdAt")), number(m.get("retireAt")), (String) m.get("reason")));
      }
      return new ViewDefinition((String) in.get("name"), number(in.get("serving")), versions,
          (String) in.get("fileHash"), Boolean.TRUE.equals(in.get("dropped")));
    } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
      throw new JsonException("not a view definition (" + e + ")");
    }
  }

  private static long number(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }
}
