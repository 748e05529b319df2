package dev.mux.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A URL pattern with named parameters: a template such as {@code /ws/chat/{room}/}, or a
 * regular expression with named groups such as
 * {@code ^/demultiplex/(?<room_name>[a-zA-Z0-9_]+)/$} (Python's {@code (?P<name>...)} works
 * too, and names may contain underscores).
 *
 * <ul>
 *   <li>A <b>template</b> is a path of {@code /}-separated segments; a segment is either literal
 *       text or a whole {@code {name}}, which matches one non-empty segment.</li>
 *   <li>A <b>regex</b> is recognized by its leading {@code ^} (or made with
 *       {@link #regex(String)}); it must match the whole path. Each named group becomes a
 *       parameter; an unmatched optional group is left out.</li>
 * </ul>
 *
 * <p>Paths are matched after percent-decoding, relative to the application (without the
 * context path). Every pattern also has a {@linkplain #mountPath() mount path}: the Jakarta
 * WebSocket URI template, with one {@code {pN}} variable per non-literal segment, under which a
 * container must route requests to it. A regex whose matches can vary in their number of
 * segments cannot be mounted that way; give its mount path with
 * {@link #regex(String, String)}.
 *
 * <pre>{@code
 * RoutePattern p = RoutePattern.parse("/ws/chat/{room}/");
 * p.match("/ws/chat/lobby/");   // Optional[{room=lobby}]
 * RoutePattern r = RoutePattern.parse("^/demultiplex/(?<room_name>[a-zA-Z0-9_]+)/$");
 * r.mountPath();                // "/demultiplex/{p1}/"
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RoutePattern {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LITERAL_SEGMENT = Pattern.compile("[A-Za-z0-9._~!$&'*+,;=:@%-]*");

    private final String source;
    private final boolean regex;
    private final List<String> parameters;
    private final String mountPath;
    // Template form: segments, null entries are parameters (named by templateNames).
    private final List<String> segments;
    private final List<String> templateNames;
    // Regex form: the compiled pattern and, per parameter, its Java group name.
    private final Pattern compiled;
    private final Map<String, String> groupNames;

    private RoutePattern(String source, boolean regex, List<String> parameters, String mountPath,
                         List<String> segments, List<String> templateNames, Pattern compiled,
                         Map<String, String> groupNames) {
        this.source = source;
        this.regex = regex;
        this.parameters = parameters;
        this.mountPath = mountPath;
        this.segments = segments;
        this.templateNames = templateNames;
        this.compiled = compiled;
        this.groupNames = groupNames;
    }

    /**
     * Parses a pattern: a regex if it starts with {@code ^}, otherwise a template.
     *
     * @param pattern the pattern
     * @return the parsed pattern
     * @throws IllegalArgumentException if it is malformed; the message says where
     */
    public static RoutePattern parse(String pattern) {
        Objects.requireNonNull(pattern, "pattern must not be null");
        return pattern.startsWith("^") ? regex(pattern) : template(pattern);
    }

    /**
     * Parses a template such as {@code /ws/chat/{room}/}.
     *
     * @param template the template, starting with {@code /}
     * @return the pattern
     * @throws IllegalArgumentException if it does not start with {@code /}, a parameter is not
     *                                  a whole segment, a name is invalid or repeated
     */
    public static RoutePattern template(String template) {
        Objects.requireNonNull(template, "template must not be null");
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("route template '" + template + "' must start with '/'");
        }
        String[] parts = template.substring(1).split("/", -1);
        List<String> segments = new ArrayList<>(parts.length);
        List<String> names = new ArrayList<>();
        StringBuilder mount = new StringBuilder();
        for (String part : parts) {
            mount.append('/');
            if (part.startsWith("{") && part.endsWith("}") && part.length() > 2) {
                String name = part.substring(1, part.length() - 1);
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("route template '" + template + "': parameter name '" + name
                            + "' must match " + NAME.pattern());
                }
                if (names.contains(name)) {
                    throw new IllegalArgumentException("route template '" + template + "': parameter '" + name
                            + "' appears twice");
                }
                names.add(name);
                segments.add(null);
                mount.append("{p").append(names.size()).append('}');
            } else if (part.indexOf('{') >= 0 || part.indexOf('}') >= 0) {
                throw new IllegalArgumentException("route template '" + template + "': segment '" + part
                        + "' must be literal text or a whole {name}");
            } else {
                segments.add(part);
                mount.append(part);
            }
        }
        return new RoutePattern(template, false, List.copyOf(names), mount.toString(),
                Collections.unmodifiableList(segments), List.copyOf(names), null, Map.of());
    }

    /**
     * Parses a regex with named groups, deriving its mount path from its {@code /}-separated
     * segments.
     *
     * @param regex the regex; {@code ^} and {@code $} are optional, it always matches whole paths
     * @return the pattern
     * @throws IllegalArgumentException if it does not compile, or its matches could span a
     *                                  varying number of segments (give a mount path then)
     */
    public static RoutePattern regex(String regex) {
        Objects.requireNonNull(regex, "regex must not be null");
        return regex(regex, deriveMountPath(regex));
    }

    /**
     * Parses a regex with named groups and mounts it on the given Jakarta URI template.
     *
     * @param regex     the regex; it always matches whole paths
     * @param mountPath a template whose {@code {name}} segments cover every path the regex matches
     * @return the pattern
     * @throws IllegalArgumentException if the regex does not compile or the mount path is not
     *                                  a valid template
     */
    public static RoutePattern regex(String regex, String mountPath) {
        Objects.requireNonNull(regex, "regex must not be null");
        Objects.requireNonNull(mountPath, "mountPath must not be null");
        String normalizedMount = template(mountPath).mountPath;
        Map<String, String> groups = new LinkedHashMap<>();
        String javaRegex = renameGroups(regex, groups);
        Pattern compiled;
        try {
            compiled = Pattern.compile(javaRegex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("route regex '" + regex + "' does not compile: " + e.getDescription(), e);
        }
        return new RoutePattern(regex, true, List.copyOf(groups.keySet()), normalizedMount, List.of(), List.of(),
                compiled, Collections.unmodifiableMap(groups));
    }

    /**
     * Matches a path.
     *
     * @param path a decoded path relative to the application, starting with {@code /}
     * @return the parameters if it matches, otherwise empty
     */
    public Optional<Map<String, String>> match(String path) {
        Objects.requireNonNull(path, "path must not be null");
        if (regex) {
            Matcher m = compiled.matcher(path);
            if (!m.matches()) {
                return Optional.empty();
            }
            Map<String, String> params = new LinkedHashMap<>();
            groupNames.forEach((name, javaName) -> {
                String value = m.group(javaName);
                if (value != null) {
                    params.put(name, value);
                }
            });
            return Optional.of(Collections.unmodifiableMap(params));
        }
        if (!path.startsWith("/")) {
            return Optional.empty();
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int p = 0;
        for (int i = 0; i < parts.length; i++) {
            String literal = segments.get(i);
            if (literal == null) {
                if (parts[i].isEmpty()) {
                    return Optional.empty();
                }
                params.put(templateNames.get(p++), parts[i]);
            } else if (!literal.equals(parts[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(Collections.unmodifiableMap(params));
    }

    /**
     * Returns the pattern as given.
     *
     * @return the source text
     */
    public String pattern() {
        return source;
    }

    /**
     * Tells whether this is a regex pattern.
     *
     * @return {@code true} for a regex, {@code false} for a template
     */
    public boolean isRegex() {
        return regex;
    }

    /**
     * Returns the names of the parameters, in order of appearance.
     *
     * @return an unmodifiable list
     */
    public List<String> parameterNames() {
        return parameters;
    }

    /**
     * Returns the Jakarta WebSocket URI template a container must route to this pattern, with
     * variables named {@code p1}, {@code p2}, ... so that patterns of the same shape share one
     * mount.
     *
     * @return the mount path, for example {@code /ws/chat/{p1}/}
     */
    public String mountPath() {
        return mountPath;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof RoutePattern other && source.equals(other.source)
                && regex == other.regex && mountPath.equals(other.mountPath));
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, regex, mountPath);
    }

    @Override
    public String toString() {
        return source;
    }

    // ---------------------------------------------------------------------------------------

    /**
     * Rewrites {@code (?<name>} and {@code (?P<name>} to Java group names {@code gN}: Java does
     * not allow underscores in group names, Python patterns use them.
     */
    private static String renameGroups(String regex, Map<String, String> groups) {
        StringBuilder out = new StringBuilder(regex.length() + 8);
        boolean inClass = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                out.append(c).append(regex.charAt(++i));
                continue;
            }
            if (inClass) {
                inClass = c != ']';
                out.append(c);
                continue;
            }
            if (c == '[') {
                inClass = true;
                out.append(c);
                if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                    out.append(']'); // a leading ']' is literal inside a class
                    i++;
                }
                continue;
            }
            if (c == '(' && regex.startsWith("?", i + 1)) {
                int nameStart = -1;
                if (regex.startsWith("?P<", i + 1)) {
                    nameStart = i + 4;
                } else if (regex.startsWith("?<", i + 1) && i + 3 < regex.length()
                        && regex.charAt(i + 3) != '=' && regex.charAt(i + 3) != '!') {
                    nameStart = i + 3;
                }
                if (nameStart > 0) {
                    int end = regex.indexOf('>', nameStart);
                    if (end < 0) {
                        throw new IllegalArgumentException("route regex '" + regex + "': group name at " + i
                                + " is not closed with '>'");
                    }
                    String name = regex.substring(nameStart, end);
                    if (!NAME.matcher(name).matches()) {
                        throw new IllegalArgumentException("route regex '" + regex + "': group name '" + name
                                + "' must match " + NAME.pattern());
                    }
                    if (groups.containsKey(name)) {
                        throw new IllegalArgumentException("route regex '" + regex + "': group '" + name
                                + "' appears twice");
                    }
                    String javaName = "g" + (groups.size() + 1);
                    groups.put(name, javaName);
                    out.append("(?<").append(javaName).append('>');
                    i = end;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Splits a regex at its top-level {@code /} characters into a template: literal segments
     * stay, others become variables. Refuses regexes whose {@code /} could be optional,
     * repeated, alternated or inside a group.
     */
    private static String deriveMountPath(String regex) {
        String body = regex;
        if (body.startsWith("^")) {
            body = body.substring(1);
        }
        if (body.endsWith("$") && !body.endsWith("\\$")) {
            body = body.substring(0, body.length() - 1);
        }
        String advice = "; mount it explicitly with RoutePattern.regex(regex, \"/a/{x}/\")";
        if (!body.startsWith("/")) {
            throw new IllegalArgumentException("route regex '" + regex + "' must match paths starting with '/'"
                    + advice);
        }
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        boolean inClass = false;
        for (int i = 1; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                current.append(c).append(body.charAt(++i));
                continue;
            }
            if (inClass) {
                if (c == '/') {
                    throw new IllegalArgumentException("route regex '" + regex
                            + "' has '/' inside a character class" + advice);
                }
                inClass = c != ']';
                current.append(c);
                continue;
            }
            switch (c) {
                case '[':
                    inClass = true;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case '|':
                    if (depth == 0) {
                        throw new IllegalArgumentException("route regex '" + regex
                                + "' has a top-level alternation" + advice);
                    }
                    break;
                case '.':
                    // '.' can match '/', so a segment holding one is variable and may span
                    // segments only if repeated; a repeated '.' is refused below.
                    if (i + 1 < body.length() && "*+{?".indexOf(body.charAt(i + 1)) >= 0) {
                        throw new IllegalArgumentException("route regex '" + regex
                                + "' has a repeated '.' that could match '/'" + advice);
                    }
                    break;
                case '/':
                    if (depth > 0) {
                        throw new IllegalArgumentException("route regex '" + regex + "' has '/' inside a group"
                                + advice);
                    }
                    if (i + 1 < body.length() && "*+?{".indexOf(body.charAt(i + 1)) >= 0) {
                        throw new IllegalArgumentException("route regex '" + regex + "' has a repeated or optional '/'"
                                + advice);
                    }
                    parts.add(current.toString());
                    current.setLength(0);
                    continue;
                default:
                    break;
            }
            current.append(c);
        }
        parts.add(current.toString());
        StringBuilder mount = new StringBuilder();
        int variables = 0;
        for (String part : parts) {
            mount.append('/');
            String literal = unescapeLiteral(part);
            mount.append(literal != null ? literal : "{v" + ++variables + "}");
        }
        return mount.toString();
    }

    /** Returns the literal text a regex segment matches, or null if it is not a plain literal. */
    private static String unescapeLiteral(String part) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '\\') {
                if (i + 1 >= part.length()) {
                    return null;
                }
                char next = part.charAt(++i);
                if (Character.isLetterOrDigit(next)) {
                    return null; // \d, \w, \s... are classes, not literals
                }
                out.append(next);
            } else if (".[]()*+?{}|^$".indexOf(c) >= 0) {
                return null;
            } else {
                out.append(c);
            }
        }
        String literal = out.toString();
        if (!LITERAL_SEGMENT.matcher(literal).matches()) {
            return null;
        }
        return literal;
    }
}
