package io.keyward.contract;

import io.keyward.decision.Code;
import io.keyward.decision.Refusal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The call's parameters as the vendor will read them: the one reading that the policy, the cost
 * model and the idempotency check all use. Built by {@link #canonical}, which refuses every call
 * the vendor could read in more than one way, so that what is left has exactly one value per name:
 * <ul>
 *   <li>a name given in two places (path, query, body), or twice in one of them with different
 *       values (in another case, for a vendor that folds case): a vendor that takes the last value
 *       and one that takes the first would act on different calls. The same value twice in one
 *       place is read the same by every reader and is kept once: twilio-java sends
 *       {@code PageSize=5&PageSize=5};</li>
 *   <li>a name given both as a value and as a list or object ({@code customer=..&customer[0]=..});</li>
 *   <li>a list whose indexes do not run 0, 1, 2 ... without a gap, or that mixes indexes and names.</li>
 * </ul>
 * A flat name the vendor reads as a list when it repeats ({@code MediaUrl}) becomes
 * {@code MediaUrl[0]}, {@code MediaUrl[1]} ... here, in arrival order.
 */
public final class Params {
    private final List<Param> all;
    private final Map<ParamName, Param> byKey;
    private final Map<ParamName, List<String>> children;
    private final ParamReading reading;

    private Params(List<Param> all, Map<ParamName, Param> byKey, Map<ParamName, List<String>> children, ParamReading reading) {
        this.all = Collections.unmodifiableList(all);
        this.byKey = byKey;
        this.children = children;
        this.reading = reading;
    }

    /**
     * Reads the parameters the way the vendor does, or refuses them.
     *
     * @param raw path variables, query and body parameters in arrival order
     * @throws Refusal {@code denied_malformed} naming the parameter that could be read two ways
     */
    public static Params canonical(List<Param> raw, ParamReading reading) {
        Map<ParamName, Param> byKey = new HashMap<>(raw.size() * 2);
        Map<String, Integer> listLengths = new HashMap<>();
        List<Param> all = new ArrayList<>(raw.size());
        for (Param p : raw) {
            Param param = p;
            List<String> segments = p.name().segments();
            if (p.source() != Param.Source.PATH && segments.size() == 1 && reading.isList(segments.get(0))) {
                int index = listLengths.merge(reading.fold(segments.get(0)), 1, Integer::sum) - 1;
                param = new Param(p.source(), p.name().child(Integer.toString(index)), p.value());
            }
            ParamName key = fold(param.name(), reading);
            Param earlier = byKey.putIfAbsent(key, param);
            if (earlier == null) {
                all.add(param);
            } else if (earlier.source() != param.source() || !Objects.equals(earlier.value(), param.value())) {
                throw malformed(param.name(), earlier.source() != param.source()
                        ? "is given in the " + where(earlier) + " and in the " + where(param)
                        : "is given more than once with different values", "request.repeated");
            }
        }
        // Each (container, child) pair is met once: a leaf's own name is unique, and the walk up
        // stops at the first container already registered. So the children need no set.
        Map<ParamName, List<String>> kids = new HashMap<>(all.size());
        for (Param kept : all) {
            for (ParamName name = fold(kept.name(), reading); !name.segments().isEmpty(); ) {
                ParamName parent = name.parent();
                List<String> siblings = kids.get(parent);
                boolean seen = siblings != null;
                if (!seen) {
                    siblings = new ArrayList<>(4);
                    kids.put(parent, siblings);
                }
                siblings.add(name.last());
                if (seen) {
                    break;
                }
                name = parent;
            }
        }
        Map<ParamName, List<String>> children = new HashMap<>(kids.size() * 2);
        for (Map.Entry<ParamName, List<String>> e : kids.entrySet()) {
            Param leaf = byKey.get(e.getKey());
            if (leaf != null) {
                throw malformed(leaf.name(), "is sent both as a value and as a list or object", "request.shape");
            }
            children.put(e.getKey(), ordered(e.getKey(), e.getValue()));
        }
        return new Params(all, byKey, children, reading);
    }

    /** Children in index order for a list (checked to run 0..n-1), in arrival order for an object. */
    private static List<String> ordered(ParamName parent, List<String> kids) {
        int indexes = 0;
        for (String kid : kids) {
            if (isIndex(kid)) {
                indexes++;
            } else if (allDigits(kid)) {
                throw malformed(parent.child(kid), "has an index with a leading zero", "request.list");
            }
        }
        if (indexes == 0) {
            return Collections.unmodifiableList(kids);
        }
        if (indexes != kids.size()) {
            throw malformed(parent, "mixes list indexes and names", "request.list");
        }
        // n distinct indexes all below n are exactly 0..n-1.
        String[] inOrder = new String[kids.size()];
        for (String kid : kids) {
            int index = Integer.parseInt(kid);
            if (index >= inOrder.length) {
                throw malformed(parent, "is a list with a gap: its indexes must run 0, 1, 2 ... without one missing", "request.list");
            }
            inOrder[index] = kid;
        }
        return List.of(inOrder);
    }

    private static boolean allDigits(String segment) {
        if (segment.isEmpty()) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isIndex(String segment) {
        return segment.length() <= 9 && !(segment.length() > 1 && segment.charAt(0) == '0') && allDigits(segment);
    }

    private static ParamName fold(ParamName name, ParamReading reading) {
        if (!reading.caseInsensitive()) {
            return name;
        }
        List<String> folded = new ArrayList<>(name.segments().size());
        for (String s : name.segments()) {
            folded.add(reading.fold(s));
        }
        return new ParamName(folded);
    }

    private static String where(Param p) {
        return p.source().name().toLowerCase(java.util.Locale.ROOT);
    }

    static Refusal malformed(ParamName name, String why, String rule) {
        String shown = printable(name.toString());
        return new Refusal(Code.DENIED_MALFORMED, 400, "parameter " + shown + " " + why, rule + "." + shown);
    }

    /** A parameter name as it may appear in a message or audit rule: agent-chosen, so cut and tamed. */
    public static String printable(String name) {
        String cut = name.length() > 80 ? name.substring(0, 80) + "..." : name;
        return cut.replaceAll("[^A-Za-z0-9_.\\[\\]*-]", "?");
    }

    /** Every parameter once, in arrival order (path variables first). */
    public List<Param> all() {
        return all;
    }

    public ParamReading reading() {
        return reading;
    }

    /**
     * The one value of a parameter that must be a single value, if present.
     *
     * @throws Refusal {@code denied_malformed} when it was sent as a list or object
     */
    public Optional<String> scalar(ParamName name) {
        ParamName key = fold(name, reading);
        Param p = byKey.get(key);
        if (p != null) {
            return Optional.ofNullable(p.value());
        }
        if (children.containsKey(key)) {
            throw malformed(name, "must be a single value, not a list or object", "request.shape");
        }
        return Optional.empty();
    }

    public Optional<String> scalar(String name) {
        return scalar(ParamName.of(name));
    }

    /**
     * The values of a parameter that may be one value or a list of values ({@code "to": "a@x"} or
     * {@code "to": ["a@x", "b@x"]}); empty when absent.
     *
     * @throws Refusal {@code denied_malformed} when it is an object or a list of lists or objects
     */
    public List<String> scalarOrList(ParamName name) {
        ParamName key = fold(name, reading);
        Param p = byKey.get(key);
        if (p != null) {
            return p.value() == null ? List.of() : List.of(p.value());
        }
        List<String> kids = children.get(key);
        if (kids == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>(kids.size());
        for (String kid : kids) {
            Param item = byKey.get(key.child(kid));
            if (!isIndex(kid) || item == null) {
                throw malformed(name, "must be a value or a list of values", "request.shape");
            }
            if (item.value() != null) {
                values.add(item.value());
            }
        }
        return values;
    }

    /**
     * How many items a list parameter has (0 when absent).
     *
     * @throws Refusal {@code denied_malformed} when it is a single value or an object
     */
    public int listSize(ParamName name) {
        ParamName key = fold(name, reading);
        List<String> kids = children.get(key);
        if (kids == null) {
            if (byKey.containsKey(key)) {
                throw malformed(name, "must be a list", "request.shape");
            }
            return 0;
        }
        if (!isIndex(kids.get(0))) {
            throw malformed(name, "must be a list", "request.shape");
        }
        return kids.size();
    }

    /** Whether anything is sent under this name (a value, a list or an object). */
    public boolean has(ParamName name) {
        ParamName key = fold(name, reading);
        return byKey.containsKey(key) || children.containsKey(key);
    }
}
