package io.keyward.policy;

import java.math.BigDecimal;
import java.util.List;
import io.keyward.phone.Phones;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One rule applied to each value of a parameter: {@code eq}, {@code in}, {@code not_in},
 * {@code min}, {@code max}, {@code pattern}, {@code domain_in}, {@code country_in}. A failure says
 * what the rule wants, never what the agent sent.
 */
interface ValueCheck {
    /** The rule's name as written in the policy. */
    String kind();

    /** Why {@code value} breaks the rule, or empty when it passes. {@code value} is null for JSON null. */
    Optional<String> failure(String value);

    /** A whole decimal number without sign tricks, leading zeros or exponent: what min/max and numeric eq compare. */
    Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?");

    static Optional<BigDecimal> decimal(String value) {
        return value != null && NUMBER.matcher(value).matches() ? Optional.of(new BigDecimal(value)) : Optional.empty();
    }

    /** A literal from the policy: a string, or a number compared numerically. */
    record Literal(String text, BigDecimal number) {
        boolean sameAs(String value) {
            if (value == null) {
                return false;
            }
            if (number != null) {
                return decimal(value).map(n -> n.compareTo(number) == 0).orElse(false);
            }
            return text.equals(value);
        }

        boolean looselySameAs(String value) {
            if (value == null) {
                return false;
            }
            if (number != null) {
                return decimal(value.strip()).map(n -> n.compareTo(number) == 0).orElse(false);
            }
            return text.strip().toLowerCase(Locale.ROOT).equals(value.strip().toLowerCase(Locale.ROOT));
        }
    }

    record Eq(Literal expected) implements ValueCheck {
        public String kind() {
            return "eq";
        }

        public Optional<String> failure(String value) {
            return expected.sameAs(value) ? Optional.empty() : Optional.of("must equal the value the policy sets");
        }
    }

    /** Exact match against the list: a differently spelt value fails closed. */
    record In(List<Literal> allowed) implements ValueCheck {
        public String kind() {
            return "in";
        }

        public Optional<String> failure(String value) {
            return allowed.stream().anyMatch(l -> l.sameAs(value)) ? Optional.empty() : Optional.of("is not one of the allowed values");
        }
    }

    /** Loose match (case and surrounding space ignored), so a differently spelt forbidden value is still caught. */
    record NotIn(List<Literal> forbidden) implements ValueCheck {
        public String kind() {
            return "not_in";
        }

        public Optional<String> failure(String value) {
            return forbidden.stream().anyMatch(l -> l.looselySameAs(value)) ? Optional.of("is one of the forbidden values") : Optional.empty();
        }
    }

    /** {@code min} or {@code max}: a plain decimal number on the right side of the bound. */
    record Bound(BigDecimal limit, boolean upper) implements ValueCheck {
        public String kind() {
            return upper ? "max" : "min";
        }

        public Optional<String> failure(String value) {
            Optional<BigDecimal> n = decimal(value);
            if (n.isEmpty()) {
                return Optional.of("must be a plain decimal number");
            }
            int side = n.get().compareTo(limit);
            if (upper ? side > 0 : side < 0) {
                return Optional.of("is " + (upper ? "above the maximum" : "below the minimum") + " of " + limit.toPlainString());
            }
            return Optional.empty();
        }
    }

    /** A policy's pattern, run by RE2/J: linear in the value's length whatever the pattern, so no value can make it backtrack. */
    record Matches(com.google.re2j.Pattern pattern) implements ValueCheck {
        public String kind() {
            return "pattern";
        }

        public Optional<String> failure(String value) {
            return value != null && pattern.matcher(value).matches() ? Optional.empty() : Optional.of("does not match the required pattern");
        }
    }

    /**
     * The address's domain, exactly, among the allowed ones (case ignored). {@code Name <a@b>} is
     * read as {@code a@b}; a value holding more than one address, or an {@code @} in an odd place,
     * fails rather than being guessed at.
     */
    record DomainIn(Set<String> domains) implements ValueCheck {
        // RE2/J: the value is the agent's, and java.util.regex recurses once per repeated group.
        private static final com.google.re2j.Pattern ADDRESS = com.google.re2j.Pattern.compile("[^\\s@<>,;\"()\\[\\]\\\\]+@([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+)\\.?");

        public String kind() {
            return "domain_in";
        }

        public Optional<String> failure(String value) {
            if (value == null) {
                return Optional.of("must be an email address");
            }
            String address = value.strip();
            int open = address.lastIndexOf('<');
            if (open >= 0) {
                if (!address.endsWith(">") || address.indexOf('<') != open || address.substring(0, open).contains("@")) {
                    return Optional.of("must be one email address");
                }
                address = address.substring(open + 1, address.length() - 1).strip();
            }
            var m = ADDRESS.matcher(address);
            if (!m.matches()) {
                return Optional.of("must be one email address");
            }
            return domains.contains(m.group(1).toLowerCase(Locale.ROOT)) ? Optional.empty() : Optional.of("is not at an allowed domain");
        }
    }

    record CountryIn(Set<String> countries) implements ValueCheck {
        public String kind() {
            return "country_in";
        }

        public Optional<String> failure(String value) {
            if (!Phones.isE164(value)) {
                return Optional.of("must be a phone number in E.164 form (+15551234567)");
            }
            return Phones.country(value).filter(countries::contains).isPresent()
                    ? Optional.empty() : Optional.of("is not a number in an allowed country");
        }
    }
}
