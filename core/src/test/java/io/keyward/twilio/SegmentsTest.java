package io.keyward.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SegmentsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "160 GSM characters, 1 segment  | 160 | a | 1",
        "161 GSM characters, 2 segments | 161 | a | 2",
        "306 GSM characters, 2 segments | 306 | a | 2",
        "307 GSM characters, 3 segments | 307 | a | 3",
        "80 euro signs take 2 each      | 80  | € | 1",
        "ü is in the GSM alphabet       | 160 | ü | 1",
        "81 euro signs                  | 81  | € | 2",
        "70 UCS-2 characters, 1 segment | 70  | 中 | 1",
        "71 UCS-2 characters, 2 segments| 71  | 中 | 2",
        "134 UCS-2 characters           | 134 | 中 | 2",
        "135 UCS-2 characters           | 135 | 中 | 3",
    })
    void segments(String name, int length, String ch, int segments) {
        assertEquals(segments, Segments.count(ch.repeat(length)));
    }

    @Test
    void oneNonGsmCharacterMakesTheWholeMessageUcs2() {
        assertEquals(1, Segments.count("a".repeat(160)));
        assertEquals(3, Segments.count("a".repeat(159) + "→"), "160 UCS-2 characters need three 67-character parts");
        assertEquals(1, Segments.count("🙂".repeat(35)), "a surrogate pair counts two");
        assertEquals(2, Segments.count("🙂".repeat(36)));
    }

}
