package nl.arbo.keycloak.authenticator;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.CredentialValidator;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import nl.arbo.keycloak.code.CodeGenerator;
import nl.arbo.keycloak.code.NoteStore;
import nl.arbo.keycloak.code.SmsCodeChallenge;
import nl.arbo.keycloak.code.SmsCodePolicy;
import nl.arbo.keycloak.credential.SecondFactors;
import nl.arbo.keycloak.credential.SmsCredentialModel;
import nl.arbo.keycloak.credential.SmsCredentialProvider;
import nl.arbo.keycloak.credential.SmsCredentialProviderFactory;
import nl.arbo.keycloak.limit.RollingWindowLimit;
import nl.arbo.keycloak.phone.PhoneNumbers;
import nl.arbo.keycloak.requiredaction.ChooseSecondFactorActionFactory;
import nl.arbo.keycloak.sms.SmsSender;

/**
 * Browser-flow step "SMS code": shows the masked confirmed number with a "Stuur SMS" button; the
 * user requests a code and enters it. Limits come from the SMS gateway settings, optionally
 * overridden by this execution's authenticator config. Stateless: the code state is in auth notes
 * (the code itself only as a salted hash); the per-user hourly cap of codes, which must hold across
 * sign-in attempts, is in Keycloak's single-use object store ({@link SmsSender#hourlyLimit}).
 *
 * Form (template arbo-sms-login.ftl): field {@code code}; button {@code action=send} requests a
 * (new) code, {@code action=validate} checks the entered code.
 */
public class SmsAuthenticator implements Authenticator, CredentialValidator<SmsCredentialProvider> {

    private static final Logger LOG = Logger.getLogger(SmsAuthenticator.class);

    public static final String TEMPLATE = "arbo-sms-login.ftl";
    static final String NOTE_PREFIX = "arbo-sms-login";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        Optional<SmsCredentialModel> credential = SecondFactors.smsCredential(context.getUser());
        if (credential.isEmpty()) {
            context.attempted();
            return;
        }
        context.challenge(form(context, challenge(context), credential.get()).createForm(TEMPLATE));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> params = context.getHttpRequest().getDecodedFormParameters();
        Optional<SmsCredentialModel> credential = SecondFactors.smsCredential(context.getUser());
        if (credential.isEmpty()) {
            context.attempted();
            return;
        }
        SmsCodeChallenge challenge = challenge(context);
        if ("send".equals(params.getFirst("action"))) {
            sendCode(context, challenge, credential.get());
        } else {
            validateCode(context, challenge, credential.get(), params.getFirst("code"));
        }
    }

    private void sendCode(AuthenticationFlowContext context, SmsCodeChallenge challenge, SmsCredentialModel credential) {
        SmsSender.Outcome outcome = SmsSender.issueAndSend(context.getSession(), context.getRealm(), context.getUser(),
                credential.getPhone(), challenge);
        LoginFormsProvider form = form(context, challenge, credential);
        if (outcome == SmsSender.Outcome.SENT) {
            form.setInfo("arbo-sms-code-sent", PhoneNumbers.mask(credential.getPhone()));
        } else {
            if (outcome != SmsSender.Outcome.SEND_FAILED) {
                context.getEvent().user(context.getUser()).error(SmsSender.eventError(outcome));
            }
            form.setError(SmsSender.errorMessage(outcome));
        }
        context.challenge(form.createForm(TEMPLATE));
    }

    private void validateCode(AuthenticationFlowContext context, SmsCodeChallenge challenge, SmsCredentialModel credential, String code) {
        SmsCodeChallenge.Verification result = challenge.verify(code);
        switch (result.outcome()) {
            case VALID -> {
                challenge.reset();
                context.success();
            }
            case NO_CODE -> context.challenge(form(context, challenge, credential).setError("arbo-sms-no-code").createForm(TEMPLATE));
            default -> {
                Response page = form(context, challenge, credential)
                        .setError(errorMessage(result.outcome()), result.attemptsLeft())
                        .createForm(TEMPLATE);
                context.getEvent().user(context.getUser()).detail("arbo_sms_outcome", result.outcome().name())
                        .error(Errors.INVALID_USER_CREDENTIALS);
                // failureChallenge also feeds Keycloak's brute-force detection for this user
                context.failureChallenge(AuthenticationFlowError.INVALID_CREDENTIALS, page);
            }
        }
    }

    static String errorMessage(SmsCodeChallenge.Outcome outcome) {
        return switch (outcome) {
            case EXPIRED -> "arbo-sms-code-expired";
            case ATTEMPTS_EXHAUSTED -> "arbo-sms-attempts-exhausted";
            default -> "arbo-sms-code-invalid";
        };
    }

    private LoginFormsProvider form(AuthenticationFlowContext context, SmsCodeChallenge challenge, SmsCredentialModel credential) {
        RollingWindowLimit hourly = SmsSender.hourlyLimit(context.getSession(), context.getRealm(), context.getUser(),
                challenge.policy());
        int hourlyLeft = hourly.max() - hourly.used();
        LoginFormsProvider form = context.form()
                .setAttribute("maskedPhone", PhoneNumbers.mask(credential.getPhone()))
                .setAttribute("codeSent", challenge.hasActiveCode())
                .setAttribute("canSend", challenge.canSend() && hourlyLeft > 0)
                .setAttribute("resendsLeft", challenge.resendsLeft(hourlyLeft))
                .setAttribute("ttlMinutes", Math.max(1, challenge.policy().ttlSeconds() / 60));
        if (hourlyLeft <= 0) {
            // Why the button is disabled (a new sign-in would not help either); a later setError/setInfo replaces it.
            form.setError(SmsSender.errorMessage(SmsSender.Outcome.HOURLY_LIMIT));
        }
        return form;
    }

    private SmsCodeChallenge challenge(AuthenticationFlowContext context) {
        return new SmsCodeChallenge(NoteStore.authNotes(context.getAuthenticationSession()), NOTE_PREFIX,
                policy(context), Clock.systemUTC(), new CodeGenerator());
    }

    static SmsCodePolicy policy(AuthenticationFlowContext context) {
        SmsCodePolicy defaults = SmsSender.defaultPolicy(context.getSession());
        AuthenticatorConfigModel config = context.getAuthenticatorConfig();
        Map<String, String> values = config == null ? null : config.getConfig();
        try {
            return defaults.overriddenBy(values);
        } catch (IllegalArgumentException e) {
            // Keycloak stores execution config unchecked; a typo there must not lock everyone out.
            LOG.warnf("Ignoring the SMS limits of authenticator config '%s': %s", config.getAlias(), e.getMessage());
            return defaults;
        }
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return SecondFactors.hasSms(user);
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
        // Only reached when this step is REQUIRED for a user without SMS: let them pick a method.
        if (!user.getRequiredActionsStream().anyMatch(ChooseSecondFactorActionFactory.PROVIDER_ID::equals)) {
            user.addRequiredAction(ChooseSecondFactorActionFactory.PROVIDER_ID);
        }
    }

    @Override
    public SmsCredentialProvider getCredentialProvider(KeycloakSession session) {
        return (SmsCredentialProvider) session.getProvider(CredentialProvider.class, SmsCredentialProviderFactory.PROVIDER_ID);
    }

    @Override
    public void close() {
    }
}
