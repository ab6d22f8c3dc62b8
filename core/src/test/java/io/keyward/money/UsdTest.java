package io.keyward.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UsdTest {
    @ParameterizedTest
    @CsvSource({"50,50.00", "50.5,50.50", "0,0.00", "0.000001,0.000001", "12.345000,12.345", "999999999999.999999,999999999999.999999"})
    void parsesAndFormatsDecimalStrings(String in, String out) {
        assertEquals(out, Usd.format(Usd.parse(in)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1e3", "1.0000001", "", " 5", "5 ", "NaN", "1,5", "1000000000000"})
    void refusesAnythingElse(String text) {
        assertThrows(IllegalArgumentException.class, () -> Usd.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"50.000000,50.00", "0.100000,0.10"})
    void formatsStoredDecimals(String stored, String shown) {
        assertEquals(shown, Usd.format(new BigDecimal(stored)));
    }
}
