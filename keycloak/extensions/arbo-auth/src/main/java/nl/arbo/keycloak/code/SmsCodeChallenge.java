package nl.arbo.keycloak.code;

import java.time.Clock;

/**
 * State machine of one SMS code challenge, kept in a {@link NoteStore} so it survives between
 * HTTP requests of the same authentication session. Knows nothing of Keycloak forms or SMS
 * sending: callers ask {@link #issue()} for a code, send it, and later {@link #verify(String)}.
 * The store only ever holds a salted hash of the code ({@link CodeHash}), never the code.
 */
public final class SmsCodeChallenge {

    public enum Outcome {
        /** The code matched and is now consumed. */
        VALID,
        /** Wrong code; {@link Verification#attemptsLeft()} more tries on this code. */
        INVALID,
        /** Wrong code and no tries left: the code is void, a new SMS is needed. */
        ATTEMPTS_EXHAUSTED,
        /** The code was too old: it is void, a new SMS is needed. */
        EXPIRED,
        /** No code is active (never sent, already used or voided). */
        NO_CODE
    }

    public record Verification(Outcome outcome, int attemptsLeft) {
    }

    /** Note holding the salted hash; "code" (the plain code, before hashing) is only ever removed. */
    static final String CODE_HASH = "code-hash";
    private static final String LEGACY_PLAIN_CODE = "code";

    private final NoteStore notes;
    private final String prefix;
    private final SmsCodePolicy policy;
    private final Clock clock;
    private final CodeGenerator generator;

    public SmsCodeChallenge(NoteStore notes, String prefix, SmsCodePolicy policy, Clock clock, CodeGenerator generator) {
        this.notes = notes;
        this.prefix = prefix;
        this.policy = policy;
        this.clock = clock;
        this.generator = generator;
    }

    public SmsCodePolicy policy() {
        return policy;
    }

    public int sendsUsed() {
        return readInt(key("sends"));
    }

    public boolean canSend() {
        return sendsUsed() < policy.maxSends();
    }

    /** Resends still allowed after the SMS already sent (or, before the first SMS, after that one). */
    public int resendsLeft() {
        int used = sendsUsed();
        return used == 0 ? policy.maxResends() : Math.max(0, policy.maxSends() - used);
    }

    /**
     * Like {@link #resendsLeft()}, but never more than another limit allows, e.g. the user's hourly
     * cap ({@code otherSendsLeft} = SMS that limit still permits, this one's first SMS included).
     */
    public int resendsLeft(int otherSendsLeft) {
        int sendsLeft = Math.min(policy.maxSends() - sendsUsed(), otherSendsLeft);
        return Math.max(0, sendsUsed() == 0 ? sendsLeft - 1 : sendsLeft);
    }

    public boolean hasActiveCode() {
        return notes.get(key(CODE_HASH)) != null;
    }

    /**
     * Generates and stores a new code (replacing any earlier one, with fresh attempts and expiry)
     * and counts it as a send.
     *
     * @throws IllegalStateException when the send limit is reached; check {@link #canSend()} first
     */
    public String issue() {
        if (!canSend()) {
            throw new IllegalStateException("SMS send limit reached for this session");
        }
        String code = generator.newCode();
        notes.remove(key(LEGACY_PLAIN_CODE));
        notes.set(key(CODE_HASH), CodeHash.hash(code));
        notes.set(key("expires"), Long.toString(clock.millis() + policy.ttlSeconds() * 1000L));
        notes.set(key("attempts"), "0");
        notes.set(key("sends"), Integer.toString(sendsUsed() + 1));
        return code;
    }

    public Verification verify(String input) {
        String expected = notes.get(key(CODE_HASH));
        if (expected == null) {
            return new Verification(Outcome.NO_CODE, 0);
        }
        long expires = Long.parseLong(notes.get(key("expires")));
        if (clock.millis() > expires) {
            voidCode();
            return new Verification(Outcome.EXPIRED, 0);
        }
        String given = input == null ? "" : input.replaceAll("\\s", "");
        if (CodeHash.matches(expected, given)) {
            voidCode();
            return new Verification(Outcome.VALID, 0);
        }
        int attempts = readInt(key("attempts")) + 1;
        if (attempts >= policy.maxAttempts()) {
            voidCode();
            return new Verification(Outcome.ATTEMPTS_EXHAUSTED, 0);
        }
        notes.set(key("attempts"), Integer.toString(attempts));
        return new Verification(Outcome.INVALID, policy.maxAttempts() - attempts);
    }

    /** Forgets the code and all counters, e.g. after a successful login or setup. */
    public void reset() {
        voidCode();
        notes.remove(key("sends"));
    }

    /** Makes the current code unusable but keeps the send counter (the limit must not reset). */
    public void voidCode() {
        notes.remove(key(CODE_HASH));
        notes.remove(key(LEGACY_PLAIN_CODE));
        notes.remove(key("expires"));
        notes.remove(key("attempts"));
    }

    private int readInt(String key) {
        String value = notes.get(key);
        return value == null ? 0 : Integer.parseInt(value);
    }

    private String key(String name) {
        return prefix + "." + name;
    }
}
