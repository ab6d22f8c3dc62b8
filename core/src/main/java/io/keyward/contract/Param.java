package io.keyward.contract;

/**
 * One parameter of the call as the vendor will read it: decoded name and value, and where it came
 * from. {@code value} is null for a JSON {@code null}.
 */
public record Param(Source source, ParamName name, String value) {

    public enum Source {
        PATH, QUERY, BODY
    }
}
