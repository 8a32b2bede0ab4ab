package nl.arbo.keycloak.reset;

import java.time.Duration;
import java.util.Map;

import jakarta.ws.rs.core.MultivaluedMap;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.AbstractUsernameFormAuthenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.DefaultActionTokenKey;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager;

import nl.arbo.keycloak.code.NoteStore;
import nl.arbo.keycloak.limit.RollingWindowLimit;
import nl.arbo.keycloak.limit.UserLimits;

/**
 * Replaces "Choose User" in the reset-credentials flow: asks for e-mail address and birth date.
 * Only when both match an enabled, not locked-out user is that user set, so the next step
 * (Keycloak's "Send Reset Email") sends the link; otherwise no user is set and that step shows
 * the very same "you should receive an e-mail" message.
 *
 * Two limits, neither of them Keycloak's brute-force detector: feeding that one (as this step did
 * before) let anyone who knows an employee's e-mail address lock the employee's password sign-in
 * with a few made-up dates. Instead:
 * <ul>
 * <li>wrong dates per user: {@code max-failures-per-user} (default 5) per rolling
 * {@code failure-window-hours} (default 24), across sessions and browsers, kept in Keycloak's
 * single-use object store ({@link UserLimits#birthDateFailures}). Beyond it the reset of that
 * user answers the same neutral message and sends nothing, even with the right date; signing in
 * with password and second factor is not affected;</li>
 * <li>failures of any kind per authentication session: {@code max-failures} (default 5), kept in a
 * client note so it survives the flow restart after each attempt; this one says "too many
 * attempts", which tells nothing about any account.</li>
 * </ul>
 * Malformed config values fall back to the defaults (Keycloak stores execution config unchecked).
 *
 * Form (template arbo-reset-birthdate.ftl): fields {@code email} and {@code birthDate}.
 */
public class BirthDateResetAuthenticator implements Authenticator {

    private static final Logger LOG = Logger.getLogger(BirthDateResetAuthenticator.class);

    public static final String TEMPLATE = "arbo-reset-birthdate.ftl";
    public static final String BIRTH_DATE_ATTRIBUTE = "birthDate";
    public static final String CONFIG_MAX_FAILURES = "max-failures";
    public static final int DEFAULT_MAX_FAILURES = 5;
    public static final String CONFIG_MAX_FAILURES_PER_USER = "max-failures-per-user";
    public static final int DEFAULT_MAX_FAILURES_PER_USER = 5;
    public static final String CONFIG_FAILURE_WINDOW_HOURS = "failure-window-hours";
    public static final int DEFAULT_FAILURE_WINDOW_HOURS = 24;
    /** A year; longer windows are surely a typo and would keep people out for good. */
    static final int MAX_FAILURE_WINDOW_HOURS = 24 * 366;
    static final String FAILURES_NOTE = "arbo-reset.failures";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        // Came from a reset e-mail link (action token): the user is already known, as in Keycloak's own step.
        String actionTokenUserId = context.getAuthenticationSession().getAuthNote(DefaultActionTokenKey.ACTION_TOKEN_USER_ID);
        if (actionTokenUserId != null) {
            UserModel user = context.getSession().users().getUserById(context.getRealm(), actionTokenUserId);
            if (user != null) {
                context.setUser(user);
                context.success();
                return;
            }
        }
        // Signed in already (SSO cookie): no need to prove who you are again, as in Keycloak's own step.
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(context.getSession(), context.getRealm(), true);
        if (sso != null) {
            context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, sso.user().getUsername());
            context.setUser(sso.user());
            context.success();
            return;
        }
        context.challenge(context.form().createForm(TEMPLATE));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> params = context.getHttpRequest().getDecodedFormParameters();
        String email = trim(params.getFirst("email"));
        String birthDate = trim(params.getFirst("birthDate"));
        NoteStore notes = NoteStore.clientNotes(context.getAuthenticationSession());
        int failures = parseInt(notes.get(FAILURES_NOTE));

        if (failures >= maxFailures(context)) {
            context.getEvent().detail(Details.USERNAME, email).error("arbo_reset_too_many_attempts");
            context.challenge(form(context, email).setError("arbo-reset-too-many-attempts").createForm(TEMPLATE));
            return;
        }
        if (email.isEmpty()) {
            context.challenge(form(context, email).setError("arbo-reset-missing-fields").createForm(TEMPLATE));
            return;
        }
        if (!birthDate.isEmpty() && BirthDates.parse(birthDate).isEmpty()) {
            // Only the format is judged here, which says nothing about any account.
            context.challenge(form(context, email).setError("arbo-reset-invalid-date").createForm(TEMPLATE));
            return;
        }

        RealmModel realm = context.getRealm();
        UserModel user = context.getSession().users().getUserByEmail(realm, email);
        if (user == null) {
            user = context.getSession().users().getUserByUsername(realm, email);
        }
        context.getAuthenticationSession().setAuthNote(AbstractUsernameFormAuthenticator.ATTEMPTED_USERNAME, email);

        // Checked before the date is even compared: beyond the limit nothing is learnt and nothing counted.
        RollingWindowLimit userFailures = user == null ? null : userFailures(context, user);
        boolean limited = userFailures != null && userFailures.isReached();
        boolean dateMatches = user != null && !limited
                && BirthDates.satisfies(user.getFirstAttribute(BIRTH_DATE_ATTRIBUTE), birthDate);
        boolean matched = dateMatches
                && user.isEnabled()
                && !context.getProtector().isTemporarilyDisabled(context.getSession(), realm, user);

        if (matched) {
            context.setUser(user);
        } else {
            notes.set(FAILURES_NOTE, Integer.toString(failures + 1));
            if (user == null) {
                context.getEvent().clone().detail(Details.USERNAME, email).error(Errors.USER_NOT_FOUND);
            } else if (limited) {
                context.getEvent().clone().user(user).detail(Details.USERNAME, email).error("arbo_reset_user_limit");
            } else if (!dateMatches) {
                // Our own counter only: never context.getProtector().failedLogin (see the class comment).
                userFailures.record();
                context.getEvent().clone().user(user).detail(Details.USERNAME, email).error("arbo_birth_date_mismatch");
            } else {
                context.getEvent().clone().user(user).detail(Details.USERNAME, email)
                        .error(user.isEnabled() ? Errors.USER_TEMPORARILY_DISABLED : Errors.USER_DISABLED);
            }
            context.clearUser();
        }
        // Either way the next step ("Send Reset Email") answers with the same message.
        context.success();
    }

    private org.keycloak.forms.login.LoginFormsProvider form(AuthenticationFlowContext context, String email) {
        return context.form().setAttribute("email", email);
    }

    static int maxFailures(AuthenticationFlowContext context) {
        return positiveInt(config(context), CONFIG_MAX_FAILURES, DEFAULT_MAX_FAILURES, Integer.MAX_VALUE);
    }

    static RollingWindowLimit userFailures(AuthenticationFlowContext context, UserModel user) {
        Map<String, String> config = config(context);
        int max = positiveInt(config, CONFIG_MAX_FAILURES_PER_USER, DEFAULT_MAX_FAILURES_PER_USER, RollingWindowLimit.MAX_SLOTS);
        int hours = positiveInt(config, CONFIG_FAILURE_WINDOW_HOURS, DEFAULT_FAILURE_WINDOW_HOURS, MAX_FAILURE_WINDOW_HOURS);
        return UserLimits.birthDateFailures(context.getSession(), context.getRealm(), user, max, Duration.ofHours(hours));
    }

    private static Map<String, String> config(AuthenticationFlowContext context) {
        AuthenticatorConfigModel config = context.getAuthenticatorConfig();
        return config == null || config.getConfig() == null ? Map.of() : config.getConfig();
    }

    /**
     * The whole number under {@code key}, from 1 to {@code max}; the default when it is missing, and
     * (with a warning) when it is anything else, so a typo in the admin console cannot break the reset.
     */
    static int positiveInt(Map<String, String> config, String key, int fallback, int max) {
        String value = config.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // falls through to the warning
        }
        LOG.warnf("Ignoring '%s' = '%s' of the birth-date reset step (must be a whole number from 1 to %d); using %d",
                key, value, max, fallback);
        return fallback;
    }

    private static int parseInt(String value) {
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
