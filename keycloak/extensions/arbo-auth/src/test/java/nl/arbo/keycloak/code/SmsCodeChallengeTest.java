package nl.arbo.keycloak.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import nl.arbo.keycloak.code.SmsCodeChallenge.Outcome;

class SmsCodeChallengeTest {

    /** A clock the test can move forward. */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    MutableClock clock;
    NoteStore notes;

    @BeforeEach
    void setUp() {
        clock = new MutableClock();
        notes = NoteStore.inMemory();
    }

    SmsCodeChallenge challenge(SmsCodePolicy policy) {
        return new SmsCodeChallenge(notes, "t", policy, clock, new CodeGenerator());
    }

    @Test
    void generatedCodesAreSixDigitsAndVary() {
        CodeGenerator generator = new CodeGenerator();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String code = generator.newCode();
            assertTrue(code.matches("\\d{6}"), code);
            seen.add(code);
        }
        assertTrue(seen.size() > 190, "codes should practically never repeat, got " + seen.size() + " distinct");
    }

    @Test
    void generatorKeepsLeadingZeros() {
        SecureRandom zeros = new SecureRandom() {
            @Override
            public int nextInt(int bound) {
                return 0;
            }
        };
        assertEquals("000000", new CodeGenerator(zeros).newCode());
    }

    @Test
    void correctCodeIsValidOnceOnly() {
        SmsCodeChallenge c = challenge(SmsCodePolicy.DEFAULT);
        String code = c.issue();
        assertEquals(Outcome.VALID, c.verify(code).outcome());
        assertEquals(Outcome.NO_CODE, c.verify(code).outcome(), "a used code must not work again");
    }

    @Test
    void codeWithSpacesIsAccepted() {
        SmsCodeChallenge c = challenge(SmsCodePolicy.DEFAULT);
        String code = c.issue();
        assertEquals(Outcome.VALID, c.verify(" " + code.substring(0, 3) + " " + code.substring(3) + " ").outcome());
    }

    @Test
    void verifyWithoutCodeIsNoCode() {
        assertEquals(Outcome.NO_CODE, challenge(SmsCodePolicy.DEFAULT).verify("123456").outcome());
    }

    @Test
    void wrongCodesCountDownThenVoidTheCode() {
        SmsCodeChallenge c = challenge(new SmsCodePolicy(300, 3, 3));
        String code = c.issue();
        String wrong = code.equals("000000") ? "111111" : "000000";
        SmsCodeChallenge.Verification first = c.verify(wrong);
        assertEquals(Outcome.INVALID, first.outcome());
        assertEquals(2, first.attemptsLeft());
        assertEquals(1, c.verify(wrong).attemptsLeft());
        assertEquals(Outcome.ATTEMPTS_EXHAUSTED, c.verify(wrong).outcome());
        assertEquals(Outcome.NO_CODE, c.verify(code).outcome(), "after too many attempts even the right code fails");
        assertFalse(c.hasActiveCode());
    }

    @Test
    void codeExpiresAfterTtl() {
        SmsCodeChallenge c = challenge(new SmsCodePolicy(300, 3, 3));
        String code = c.issue();
        clock.advance(Duration.ofSeconds(299));
        assertTrue(c.hasActiveCode());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Outcome.EXPIRED, c.verify(code).outcome());
        assertEquals(Outcome.NO_CODE, c.verify(code).outcome());
    }

    @Test
    void codeIsValidJustBeforeExpiry() {
        SmsCodeChallenge c = challenge(new SmsCodePolicy(60, 3, 3));
        String code = c.issue();
        clock.advance(Duration.ofSeconds(60));
        assertEquals(Outcome.VALID, c.verify(code).outcome());
    }

    @Test
    void resendsAreLimitedAndReplaceTheOldCode() {
        SmsCodeChallenge c = challenge(new SmsCodePolicy(300, 3, 2));
        assertEquals(2, c.resendsLeft());
        String first = c.issue();
        assertEquals(2, c.resendsLeft());
        String second = c.issue();
        assertEquals(1, c.resendsLeft());
        c.issue();
        assertEquals(0, c.resendsLeft());
        assertFalse(c.canSend());
        assertThrows(IllegalStateException.class, c::issue);
        assertEquals(3, c.sendsUsed());
        if (!first.equals(second)) {
            assertNotEquals(Outcome.VALID, c.verify(first).outcome());
        }
    }

    @Test
    void resendGivesFreshAttempts() {
        SmsCodeChallenge c = challenge(new SmsCodePolicy(300, 2, 3));
        String code = c.issue();
        String wrong = code.equals("000000") ? "111111" : "000000";
        c.verify(wrong);
        assertEquals(Outcome.ATTEMPTS_EXHAUSTED, c.verify(wrong).outcome());
        String fresh = c.issue();
        assertEquals(Outcome.VALID, c.verify(fresh).outcome());
    }

    @Test
    void voidCodeKeepsSendCounterButResetClearsIt() {
        SmsCodeChallenge c = challenge(SmsCodePolicy.DEFAULT);
        c.issue();
        c.voidCode();
        assertFalse(c.hasActiveCode());
        assertEquals(1, c.sendsUsed());
        c.reset();
        assertEquals(0, c.sendsUsed());
    }

    @Test
    void challengesWithDifferentPrefixesDoNotShareState() {
        SmsCodeChallenge a = new SmsCodeChallenge(notes, "a", SmsCodePolicy.DEFAULT, clock, new CodeGenerator());
        SmsCodeChallenge b = new SmsCodeChallenge(notes, "b", SmsCodePolicy.DEFAULT, clock, new CodeGenerator());
        a.issue();
        assertFalse(b.hasActiveCode());
    }

    @Test
    void policyOverridesFromAuthenticatorConfig() {
        SmsCodePolicy p = SmsCodePolicy.DEFAULT.overriddenBy(Map.of("code-ttl-seconds", "20", "max-resends", " "));
        assertEquals(20, p.ttlSeconds());
        assertEquals(3, p.maxAttempts());
        assertEquals(3, p.maxResends());
        assertEquals(4, p.maxSends());
        assertThrows(IllegalArgumentException.class, () -> SmsCodePolicy.DEFAULT.overriddenBy(Map.of("max-attempts", "x")));
        assertThrows(IllegalArgumentException.class, () -> new SmsCodePolicy(0, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> new SmsCodePolicy(10, 0, 3));
    }

    @Test
    void notesHoldOnlyASaltedHashNeverTheCode() {
        Map<String, String> written = new HashMap<>();
        NoteStore recording = new NoteStore() {
            @Override
            public String get(String key) {
                return written.get(key);
            }

            @Override
            public void set(String key, String value) {
                written.put(key, value);
            }

            @Override
            public void remove(String key) {
                written.remove(key);
            }
        };
        SmsCodeChallenge c = new SmsCodeChallenge(recording, "t", SmsCodePolicy.DEFAULT, clock, new CodeGenerator());
        String code = c.issue();
        assertTrue(c.hasActiveCode());
        for (Map.Entry<String, String> note : written.entrySet()) {
            assertFalse(note.getValue().contains(code), "note " + note.getKey() + " holds the code: " + note.getValue());
        }
        assertTrue(written.get("t." + SmsCodeChallenge.CODE_HASH).startsWith("sha256$"));
        assertEquals(Outcome.VALID, c.verify(code).outcome(), "the hash still verifies the code");
    }

    @Test
    void aPlainCodeLeftInANoteByAnOlderVersionIsNotAccepted() {
        notes.set("t.code", "123456");
        notes.set("t.expires", Long.toString(clock.millis() + 60_000));
        SmsCodeChallenge c = challenge(SmsCodePolicy.DEFAULT);
        assertEquals(Outcome.NO_CODE, c.verify("123456").outcome());
        c.issue();
        assertNull(notes.get("t.code"), "issuing a new code removes the old plain one");
    }

    @Test
    void resendsLeftNeverExceedsAnotherLimit() {
        SmsCodeChallenge c = challenge(new SmsCodePolicy(300, 3, 3));
        assertEquals(3, c.resendsLeft(10), "before the first SMS: the session's resends");
        assertEquals(1, c.resendsLeft(2), "before the first SMS, 2 left this hour: that one and 1 more");
        assertEquals(0, c.resendsLeft(0));
        c.issue();
        assertEquals(3, c.resendsLeft(10));
        assertEquals(1, c.resendsLeft(1));
    }

    @Test
    void policyReadsTheHourlyCapAndDefaultsIt() {
        assertEquals(5, SmsCodePolicy.DEFAULT.maxCodesPerHour());
        assertEquals(5, new SmsCodePolicy(300, 3, 3).maxCodesPerHour());
        assertEquals(2, SmsCodePolicy.DEFAULT.overriddenBy(Map.of("max-codes-per-hour", "2")).maxCodesPerHour());
        assertThrows(IllegalArgumentException.class, () -> SmsCodePolicy.DEFAULT.overriddenBy(Map.of("max-codes-per-hour", "vijf")));
        assertThrows(IllegalArgumentException.class, () -> SmsCodePolicy.DEFAULT.overriddenBy(Map.of("max-codes-per-hour", "0")));
    }
}
