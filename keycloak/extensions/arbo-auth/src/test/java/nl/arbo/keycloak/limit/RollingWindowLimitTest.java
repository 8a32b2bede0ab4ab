package nl.arbo.keycloak.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

class RollingWindowLimitTest {

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

    final MutableClock clock = new MutableClock();
    final ExpiringSlots slots = ExpiringSlots.inMemory(clock);

    RollingWindowLimit limit(String key, int max) {
        return new RollingWindowLimit(slots, key, max, Duration.ofHours(1));
    }

    @Test
    void allowsMaxEventsThenRefusesWithoutRecording() {
        RollingWindowLimit sms = limit("sms.u1", 3);
        assertTrue(sms.tryAcquire());
        assertTrue(sms.tryAcquire());
        assertFalse(sms.isReached());
        assertTrue(sms.tryAcquire());
        assertTrue(sms.isReached());
        assertFalse(sms.tryAcquire());
        assertEquals(3, sms.used());
    }

    @Test
    void holdsAcrossInstancesLikeAcrossSignInAttempts() {
        // every request (every new authentication session) builds a new limit object over the same store
        for (int i = 0; i < 5; i++) {
            assertTrue(limit("sms.u1", 5).tryAcquire());
        }
        assertFalse(limit("sms.u1", 5).tryAcquire());
    }

    @Test
    void isPerKeySoAnotherUserIsNotAffected() {
        RollingWindowLimit first = limit("sms.u1", 2);
        first.tryAcquire();
        first.tryAcquire();
        assertTrue(first.isReached());
        assertTrue(limit("sms.u2", 2).tryAcquire());
    }

    @Test
    void windowRollsOneEventAtATime() {
        RollingWindowLimit sms = limit("sms.u1", 2);
        sms.tryAcquire();
        clock.advance(Duration.ofMinutes(40));
        sms.tryAcquire();
        assertFalse(sms.tryAcquire());
        clock.advance(Duration.ofMinutes(19));
        assertFalse(sms.tryAcquire(), "59 minutes after the first event it still counts");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(1, sms.used(), "an hour after the first event only the second counts");
        assertTrue(sms.tryAcquire());
        assertFalse(sms.tryAcquire());
    }

    @Test
    void recordIgnoresTheLimit() {
        RollingWindowLimit failures = limit("reset.u1", 1);
        failures.record();
        failures.record();
        assertEquals(1, failures.used());
    }

    @Test
    void refusesNonsenseBounds() {
        assertThrows(IllegalArgumentException.class, () -> limit("k", 0));
        assertThrows(IllegalArgumentException.class, () -> limit("k", RollingWindowLimit.MAX_SLOTS + 1));
        assertThrows(IllegalArgumentException.class, () -> new RollingWindowLimit(slots, "k", 1, Duration.ZERO));
    }
}
