package io.keyward.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which answer GET /admin/metrics gives for the Accept headers scrapers and scripts send. */
class ScrapeFormatTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no header                   |                                                                                  | JSON",
        "curl's default              | */*                                                                              | JSON",
        "a browser                   | text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8                  | JSON",
        "asks for JSON               | application/json                                                                 | JSON",
        "Prometheus 2                | application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1 | OPENMETRICS",
        "Prometheus 3                | application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2 | OPENMETRICS",
        "text format 0.0.4           | text/plain;version=0.0.4                                                         | PROMETHEUS_TEXT",
        "text, spaced and upper case | Text/Plain ; version=0.0.4                                                       | PROMETHEUS_TEXT",
        "text weighs more            | application/openmetrics-text;q=0.2, text/plain;q=0.9                             | PROMETHEUS_TEXT",
        "JSON weighs more            | text/plain;q=0.5, application/json                                               | JSON",
        "refused with q=0            | text/plain;q=0                                                                   | JSON",
        "a malformed weight          | text/plain;q=lots                                                                | JSON",
    })
    void chooses(String name, String accept, ScrapeFormat expected) {
        assertEquals(expected, ScrapeFormat.of(accept));
    }
}
