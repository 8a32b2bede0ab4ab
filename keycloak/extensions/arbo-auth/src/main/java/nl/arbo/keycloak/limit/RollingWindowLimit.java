package nl.arbo.keycloak.limit;

import java.time.Duration;

/**
 * "At most {@code max} events per {@code window}", counted over a rolling window that survives
 * authentication sessions. Each event claims one of {@code max} slots that expires {@code window}
 * after it was claimed; when all slots are claimed the limit is reached, and it frees up again one
 * event at a time as the oldest slots expire. Claiming is atomic per slot, so concurrent requests
 * (also on different cluster nodes) cannot both get the last slot.
 */
public final class RollingWindowLimit {

    /** Upper bound on slots, so a typo like 1000000 in a config cannot make one check do a million look-ups. */
    public static final int MAX_SLOTS = 1000;

    private final ExpiringSlots slots;
    private final String key;
    private final int max;
    private final long windowSeconds;

    /**
     * @param key    identifies what is counted for whom, e.g. {@code arbo-sms-sent.<realm id>.<user id>}
     * @param max    events allowed per window, 1 to {@link #MAX_SLOTS}
     * @param window length of the rolling window, at least one second
     */
    public RollingWindowLimit(ExpiringSlots slots, String key, int max, Duration window) {
        if (max < 1 || max > MAX_SLOTS) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_SLOTS + ", got " + max);
        }
        if (window.getSeconds() < 1) {
            throw new IllegalArgumentException("window must be at least 1 second");
        }
        this.slots = slots;
        this.key = key;
        this.max = max;
        this.windowSeconds = window.getSeconds();
    }

    /** Records one event if the limit allows it; false (and nothing recorded) when the limit is reached. */
    public boolean tryAcquire() {
        for (int i = 0; i < max; i++) {
            if (slots.claim(slot(i), windowSeconds)) {
                return true;
            }
        }
        return false;
    }

    /** Records one event when there is room; used where reaching the limit needs no separate answer. */
    public void record() {
        tryAcquire();
    }

    public boolean isReached() {
        return used() >= max;
    }

    /** Events in the current window. */
    public int used() {
        int used = 0;
        for (int i = 0; i < max; i++) {
            if (slots.isClaimed(slot(i))) {
                used++;
            }
        }
        return used;
    }

    public int max() {
        return max;
    }

    private String slot(int i) {
        return key + "." + i;
    }
}
