package io.streamgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The metric names the dashboards and rules under {@code deploy/observability/} read, and the
 * names a {@code /metrics} page exports, so a test can tell that every panel and alert has data.
 *
 * <p>Dependency-free on purpose (the deploy module and the demo's test both use it): it reads
 * only the shapes those files use, a dashboard's {@code "expr"} and {@code "definition"} strings
 * and a rule file's {@code record:} and {@code expr:} entries (plain or block scalars). The deploy
 * module's {@code ObservabilityTest} checks that against a real JSON and YAML parser.
 *
 * <p>Stateless and thread-safe.
 */
public final class MetricNames {

    /** Where dashboards and rules live, relative to the repo root. */
    public static final String DIR = "deploy/observability";
    /** Series Prometheus makes itself for every target; no exporter has them. */
    public static final Set<String> SYNTHETIC = Set.of("up");

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern COMMENTS = Pattern.compile("#[^\\n]*");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:$.])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\\w:])");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan");
    private static final Pattern JSON_FIELD =
            Pattern.compile("\"(expr|definition)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*\\w+\\s*\\)");
    private static final Pattern YAML_FIELD = Pattern.compile("^(\\s*)(?:- )?(expr|record):\\s*(.*)$");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)");
    private static final Pattern TYPE = Pattern.compile("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ");

    private MetricNames() {}

    /** The metric names a PromQL expression selects (not functions, keywords or labels). */
    public static SortedSet<String> inPromQL(String expr) {
        String s = STRINGS.matcher(expr).replaceAll("\"\"");
        s = COMMENTS.matcher(s).replaceAll(" ");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGES.matcher(s).replaceAll(" ");
        s = LABEL_LISTS.matcher(s).replaceAll(" ");
        SortedSet<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group();
            if (!KEYWORDS.contains(word) && !followedByParenthesis(s, m.end())) {
                names.add(word);
            }
        }
        return names;
    }

    /**
     * The PromQL of a Grafana dashboard: every target's {@code expr}, and the series of a
     * variable's {@code label_values(series, label)} definition.
     */
    public static List<String> dashboardQueries(String json) {
        List<String> queries = new ArrayList<>();
        Matcher m = JSON_FIELD.matcher(json);
        while (m.find()) {
            String value = unescapeJson(m.group(2));
            if (m.group(1).equals("expr")) {
                queries.add(value);
            } else {
                Matcher lv = LABEL_VALUES.matcher(value);
                if (lv.matches()) {
                    queries.add(lv.group(1));
                }
            }
        }
        return queries;
    }

    /** The {@code expr} of every rule in a Prometheus rule file. */
    public static List<String> ruleExpressions(String yaml) {
        return ruleFields(yaml, "expr");
    }

    /** The series a rule file's recording rules define. */
    public static List<String> recordedNames(String yaml) {
        return ruleFields(yaml, "record");
    }

    /**
     * Every metric name the dashboards ({@code grafana/dashboards/*.json}) and rule files
     * ({@code prometheus/*.yml} but the scrape config and unit tests) under {@code dir} read that
     * an exporter must provide: neither recorded by a rule nor made by Prometheus itself.
     */
    public static SortedSet<String> requiredBy(Path dir) {
        SortedSet<String> used = new TreeSet<>();
        Set<String> recorded = new TreeSet<>();
        for (Path file : files(dir.resolve("grafana/dashboards"), ".json")) {
            dashboardQueries(read(file)).forEach(q -> used.addAll(inPromQL(q)));
        }
        for (Path file : ruleFiles(dir)) {
            String yaml = read(file);
            ruleExpressions(yaml).forEach(q -> used.addAll(inPromQL(q)));
            recorded.addAll(recordedNames(yaml));
        }
        used.removeAll(recorded);
        used.removeAll(SYNTHETIC);
        return used;
    }

    /** The rule files under {@code dir/prometheus}: every {@code .yml} but the config and tests. */
    public static List<Path> ruleFiles(Path dir) {
        return files(dir.resolve("prometheus"), ".yml").stream()
                .filter(f -> !f.getFileName().toString().equals("prometheus.yml"))
                .filter(f -> !f.getFileName().toString().endsWith("_test.yml"))
                .toList();
    }

    /**
     * The names a page in the Prometheus text format exports: every sample's name, and the base
     * name of each histogram and summary (whose samples are {@code _bucket}, {@code _count},
     * {@code _sum}).
     */
    public static SortedSet<String> exported(String exposition) {
        SortedSet<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            Matcher type = TYPE.matcher(line);
            if (type.find() && (line.endsWith(" histogram") || line.endsWith(" summary"))) {
                names.add(type.group(1));
            } else if (!line.startsWith("#")) {
                Matcher sample = SAMPLE.matcher(line);
                if (sample.find()) {
                    names.add(sample.group(1));
                }
            }
        }
        return names;
    }

    private static boolean followedByParenthesis(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return s.charAt(i) == '(';
            }
        }
        return false;
    }

    private static List<String> ruleFields(String yaml, String field) {
        List<String> values = new ArrayList<>();
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = YAML_FIELD.matcher(lines[i]);
            if (!m.matches() || !m.group(2).equals(field)) {
                continue;
            }
            String value = m.group(3).strip();
            if (value.startsWith("|") || value.startsWith(">")) {
                // A block scalar: the following lines indented deeper than the key.
                int keyIndent = m.group(1).length() + (lines[i].stripLeading().startsWith("- ") ? 2 : 0);
                StringBuilder block = new StringBuilder();
                while (i + 1 < lines.length
                        && (lines[i + 1].isBlank() || indent(lines[i + 1]) > keyIndent)) {
                    block.append(lines[++i].strip()).append('\n');
                }
                values.add(block.toString().strip());
            } else if (value.length() >= 2 && (value.startsWith("'") || value.startsWith("\""))) {
                values.add(value.substring(1, value.length() - 1));
            } else {
                values.add(value);
            }
        }
        return values;
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    private static String unescapeJson(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no directory " + dir);
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
