package nl.arbo.keycloak.limit;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * Named markers that expire by themselves, claimed atomically. {@link RollingWindowLimit} counts
 * with them. In Keycloak they live in the {@link SingleUseObjectProvider}; in unit tests in a map.
 */
public interface ExpiringSlots {

    /** Claims {@code key} for {@code lifespanSeconds}; false when it is already claimed (and not expired). */
    boolean claim(String key, long lifespanSeconds);

    boolean isClaimed(String key);

    /**
     * Keycloak's single-use object store (the one that makes action tokens single-use). Chosen over
     * user attributes because it is shared by every node of a cluster, {@code putIfAbsent} is atomic
     * there (two nodes cannot take the same slot), entries expire on their own (no clean-up job, no
     * database write per SMS or per typo), and nothing of it shows up on the user in the admin
     * console, in exports or in tokens. The counters are lost when the whole cluster restarts, which
     * is acceptable for an abuse limit.
     */
    static ExpiringSlots singleUseObjects(KeycloakSession session) {
        SingleUseObjectProvider store = session.singleUseObjects();
        return new ExpiringSlots() {
            @Override
            public boolean claim(String key, long lifespanSeconds) {
                return store.putIfAbsent(key, lifespanSeconds);
            }

            @Override
            public boolean isClaimed(String key) {
                return store.contains(key);
            }
        };
    }

    /** For unit tests: a map with expiry times read from {@code clock}. */
    static ExpiringSlots inMemory(Clock clock) {
        Map<String, Long> expiresAt = new HashMap<>();
        return new ExpiringSlots() {
            @Override
            public boolean claim(String key, long lifespanSeconds) {
                if (isClaimed(key)) {
                    return false;
                }
                expiresAt.put(key, clock.millis() + lifespanSeconds * 1000L);
                return true;
            }

            @Override
            public boolean isClaimed(String key) {
                Long expires = expiresAt.get(key);
                return expires != null && clock.millis() < expires;
            }
        };
    }
}
