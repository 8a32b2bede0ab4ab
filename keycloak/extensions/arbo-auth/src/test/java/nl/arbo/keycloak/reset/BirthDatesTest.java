package nl.arbo.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class BirthDatesTest {

    @ParameterizedTest
    @ValueSource(strings = {"1980-03-07", "07-03-1980", "7-3-1980", "07/03/1980", "07.03.1980", " 07 - 03 - 1980 ", "1980/3/7"})
    void parsesIsoAndDutchNotations(String input) {
        assertEquals(Optional.of(LocalDate.of(1980, 3, 7)), BirthDates.parse(input));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"31-02-1980", "1980-13-01", "7 maart 1980", "07031980", "80-03-07", "1980-03-07T00:00"})
    void rejectsImpossibleOrUnknownFormats(String input) {
        assertTrue(BirthDates.parse(input).isEmpty());
    }

    @Test
    void matchesStoredIsoAgainstDutchInput() {
        assertTrue(BirthDates.matches("1980-03-07", "07-03-1980"));
        assertTrue(BirthDates.matches("1980-03-07", "1980-03-07"));
    }

    @Test
    void doesNotSwapDayAndMonth() {
        assertFalse(BirthDates.matches("1980-03-07", "03-07-1980"));
    }

    @Test
    void missingOrBrokenStoredDateNeverMatches() {
        assertFalse(BirthDates.matches(null, "07-03-1980"));
        assertFalse(BirthDates.matches("", ""));
        assertFalse(BirthDates.matches("unknown", "unknown"));
    }

    @Test
    void anAccountWithABirthDateNeedsThatDate() {
        assertTrue(BirthDates.satisfies("1980-03-07", "07-03-1980"));
        assertFalse(BirthDates.satisfies("1980-03-07", ""));
        assertFalse(BirthDates.satisfies("1980-03-07", null));
        assertFalse(BirthDates.satisfies("1980-03-07", "08-03-1980"));
    }

    @Test
    void anAccountWithoutABirthDateIsProvenByTheEmailAlone() {
        assertTrue(BirthDates.satisfies(null, ""));
        assertTrue(BirthDates.satisfies(" ", "07-03-1980"));
    }
}
