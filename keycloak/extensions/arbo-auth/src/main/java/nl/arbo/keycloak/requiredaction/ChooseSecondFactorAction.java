package nl.arbo.keycloak.requiredaction;

import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.GroupModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

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
import nl.arbo.keycloak.sms.SmsSender;

/**
 * "Choose SMS, authenticator app or passkey", used at first login (queued when a user has no second
 * factor) and later as application-initiated action (kc_action=arbo-choose-2fa) to switch.
 * The new method must be proven with a code before it is stored; only then are the credentials
 * of the other method removed, so the old codes stop working.
 *
 * SMS is set up here. The app is not: choosing it (or holding no choice role) queues Keycloak's
 * own CONFIGURE_TOTP required action in the authentication session and completes this action,
 * so Keycloak runs its stock page next, with its own URLs ("Unable to scan?" link, device name,
 * "sign out other devices"). Rendering that page from inside this action breaks those links,
 * which carry execution=CONFIGURE_TOTP. Removing the SMS credential after the app is confirmed
 * is done by the event listener {@code arbo-2fa-replacement}.
 *
 * A passkey is handed over the same way, to Keycloak's webauthn-register-passwordless (the device
 * is asked by the browser's WebAuthn API on Keycloak's own page). A passkey is added beside the
 * other factors, never in place of them: a user may have one per device, and removes one in the
 * portal's "Mijn instellingen" (behind a fresh sign-in).
 *
 * Pages: arbo-choose-2fa.ftl (field {@code method} = sms|app|passkey, {@code action=choose}) and
 * arbo-sms-setup.ftl (field {@code mobile} with {@code action=phone}; {@code action=send};
 * field {@code code} with {@code action=validate}; {@code action=back}).
 */
public class ChooseSecondFactorAction implements RequiredActionProvider {

    public static final String CHOICE_TEMPLATE = "arbo-choose-2fa.ftl";
    public static final String SMS_TEMPLATE = "arbo-sms-setup.ftl";
    public static final String MOBILE_ATTRIBUTE = "mobile";

    /** Keycloak's own "configure authenticator app" required action, run after this one for the app. */
    public static final String CONFIGURE_TOTP = UserModel.RequiredAction.CONFIGURE_TOTP.name();

    /** Keycloak's own "register a passkey" required action, run after this one for a passkey. */
    public static final String REGISTER_PASSKEY = "webauthn-register-passwordless";

    /** Keycloak's own "recovery authentication codes" action, queued after the second factor is set up. */
    public static final String CONFIGURE_RECOVERY_CODES = "CONFIGURE_RECOVERY_AUTHN_CODES";

    static final String NOTE_METHOD = "arbo-2fa-setup.method";
    static final String NOTE_PHONE = "arbo-2fa-setup.phone";
    static final String NOTE_RECOVERY = "arbo-2fa-setup.recovery-codes";
    static final String SMS_PREFIX = "arbo-2fa-setup.sms";
    static final String METHOD_SMS = "sms";
    static final String METHOD_APP = "app";
    static final String METHOD_PASSKEY = "passkey";

    private final MethodPolicy methodPolicy;

    public ChooseSecondFactorAction(MethodPolicy methodPolicy) {
        this.methodPolicy = methodPolicy;
    }

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        // Safety net besides the enrolment step in the flow: nobody finishes a login without a second factor.
        // Not when the app setup is already queued: that action is the chosen second factor.
        if (!SecondFactors.hasAny(context.getUser()) && !appSetupPending(context) && !passkeySetupPending(context)) {
            context.getAuthenticationSession().addRequiredAction(ChooseSecondFactorActionFactory.PROVIDER_ID);
        } else if (SecondFactors.hasAny(context.getUser()) && recoveryCodesRequired(context)) {
            // a manager who set up the app before recovery codes existed gets them at the next sign-in
            queueRecoveryCodes(context);
        }
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        String method = method(context);
        if (method == null) {
            context.challenge(choiceForm(context).createForm(CHOICE_TEMPLATE));
        } else if (METHOD_APP.equals(method)) {
            handOverToApp(context);
        } else {
            context.challenge(smsForm(context).createForm(SMS_TEMPLATE));
        }
    }

    @Override
    public void processAction(RequiredActionContext context) {
        MultivaluedMap<String, String> params = context.getHttpRequest().getDecodedFormParameters();
        String step = params.getFirst("action");

        if ("back".equals(step) && !appOnly(context)) {
            clearNotes(context);
            context.challenge(choiceForm(context).createForm(CHOICE_TEMPLATE));
            return;
        }
        String method = method(context);
        if (method == null || "choose".equals(step)) {
            choose(context, params.getFirst("method"));
            return;
        }
        if (METHOD_APP.equals(method)) {
            // e.g. a form posted from an older page; the app is always set up by CONFIGURE_TOTP.
            handOverToApp(context);
            return;
        }
        switch (step == null ? "" : step) {
            case "phone" -> enterPhone(context, params.getFirst("mobile"));
            case "send" -> sendCode(context);
            case "validate" -> validate(context, params.getFirst("code"));
            default -> context.challenge(smsForm(context).createForm(SMS_TEMPLATE));
        }
    }

    private void choose(RequiredActionContext context, String chosen) {
        if ("on".equals(context.getHttpRequest().getDecodedFormParameters().getFirst("recovery"))) {
            context.getAuthenticationSession().setAuthNote(NOTE_RECOVERY, "on");
        }
        String method = appOnly(context) ? METHOD_APP : chosen;
        if (METHOD_APP.equals(method)) {
            handOverToApp(context);
        } else if (METHOD_PASSKEY.equals(method)) {
            handOverToPasskey(context);
        } else if (METHOD_SMS.equals(method)) {
            context.getAuthenticationSession().setAuthNote(NOTE_METHOD, METHOD_SMS);
            dossierMobile(context.getUser())
                    .ifPresent(phone -> context.getAuthenticationSession().setAuthNote(NOTE_PHONE, phone));
            context.challenge(smsForm(context).createForm(SMS_TEMPLATE));
        } else {
            context.challenge(choiceForm(context).setError("arbo-choose-method-missing").createForm(CHOICE_TEMPLATE));
        }
    }

    private void enterPhone(RequiredActionContext context, String input) {
        if (dossierMobile(context.getUser()).isPresent()) {
            // The dossier number is authoritative; it cannot be swapped for another one here.
            context.challenge(smsForm(context).createForm(SMS_TEMPLATE));
            return;
        }
        Optional<String> phone = PhoneNumbers.normalize(input);
        if (phone.isEmpty()) {
            context.challenge(smsForm(context).setAttribute("mobile", input == null ? "" : input)
                    .setError("arbo-phone-invalid").createForm(SMS_TEMPLATE));
            return;
        }
        context.getAuthenticationSession().setAuthNote(NOTE_PHONE, phone.get());
        sendCode(context);
    }

    private void sendCode(RequiredActionContext context) {
        String phone = context.getAuthenticationSession().getAuthNote(NOTE_PHONE);
        if (phone == null) {
            context.challenge(smsForm(context).setError("arbo-phone-invalid").createForm(SMS_TEMPLATE));
            return;
        }
        SmsSender.Outcome outcome = SmsSender.issueAndSend(context.getSession(), context.getRealm(), context.getUser(),
                phone, challenge(context));
        LoginFormsProvider form = smsForm(context);
        if (outcome == SmsSender.Outcome.SENT) {
            form.setInfo("arbo-sms-code-sent", PhoneNumbers.mask(phone));
        } else {
            if (outcome != SmsSender.Outcome.SEND_FAILED) {
                context.getEvent().user(context.getUser()).error(SmsSender.eventError(outcome));
            }
            form.setError(SmsSender.errorMessage(outcome));
        }
        context.challenge(form.createForm(SMS_TEMPLATE));
    }

    private void validate(RequiredActionContext context, String code) {
        String phone = context.getAuthenticationSession().getAuthNote(NOTE_PHONE);
        SmsCodeChallenge.Verification result = challenge(context).verify(code);
        if (phone == null || result.outcome() == SmsCodeChallenge.Outcome.NO_CODE) {
            context.challenge(smsForm(context).setError("arbo-sms-no-code").createForm(SMS_TEMPLATE));
            return;
        }
        if (result.outcome() != SmsCodeChallenge.Outcome.VALID) {
            String message = switch (result.outcome()) {
                case EXPIRED -> "arbo-sms-code-expired";
                case ATTEMPTS_EXHAUSTED -> "arbo-sms-attempts-exhausted";
                default -> "arbo-sms-code-invalid";
            };
            context.getEvent().user(context.getUser()).error("arbo_sms_setup_invalid_code");
            context.challenge(smsForm(context).setError(message, result.attemptsLeft()).createForm(SMS_TEMPLATE));
            return;
        }
        UserModel user = context.getUser();
        RealmModel realm = context.getRealm();
        SmsCredentialProvider provider = (SmsCredentialProvider) context.getSession()
                .getProvider(CredentialProvider.class, SmsCredentialProviderFactory.PROVIDER_ID);
        CredentialModel created = provider.createCredential(realm, user, SmsCredentialModel.forPhone(phone));
        // Replace, not add: the proven phone is the only second factor; old app and phone codes stop working.
        SecondFactors.removeAllExcept(user, created.getId());
        SecondFactors.askFirst(user, created.getId());
        if (dossierMobile(user).isEmpty()) {
            // proven by the code just now: it becomes the dossier's number (the portal copies it at sign-in)
            user.setSingleAttribute(MOBILE_ATTRIBUTE, phone);
        }
        context.getEvent().detail("arbo_2fa_method", METHOD_SMS);
        if (recoveryCodesWanted(context)) {
            queueRecoveryCodes(context);
        }
        clearNotes(context);
        context.success();
    }

    /**
     * Completes this action and leaves the app setup to Keycloak's CONFIGURE_TOTP, queued in the
     * authentication session (not on the user: abandoning the page must not leave a pending action).
     * Keycloak runs session required actions next, also after an application-initiated action; the
     * kc_action_status=success for this action reaches the client after the TOTP page is done.
     */
    private void handOverToApp(RequiredActionContext context) {
        handOver(context, CONFIGURE_TOTP, METHOD_APP, "arbo_app_setup_unavailable", "arbo-app-setup-unavailable");
    }

    /** As the app: Keycloak's webauthn-register-passwordless page registers the passkey next. */
    private void handOverToPasskey(RequiredActionContext context) {
        handOver(context, REGISTER_PASSKEY, METHOD_PASSKEY, "arbo_passkey_setup_unavailable",
                "arbo-passkey-setup-unavailable");
    }

    private void handOver(RequiredActionContext context, String actionAlias, String method, String eventError,
                          String message) {
        RequiredActionProviderModel setup = context.getRealm().getRequiredActionProviderByAlias(actionAlias);
        if (setup == null || !setup.isEnabled()) {
            // Completing without it would let a user without any second factor in.
            context.getEvent().user(context.getUser()).error(eventError);
            context.challenge(context.form().setError(message)
                    .createErrorPage(Response.Status.INTERNAL_SERVER_ERROR));
            return;
        }
        boolean recovery = recoveryCodesWanted(context);
        clearNotes(context);
        context.getAuthenticationSession().addRequiredAction(actionAlias);
        if (recovery) {
            // runs after the setup (higher priority number in realm-export.json)
            queueRecoveryCodes(context);
        }
        context.getEvent().detail("arbo_2fa_method", method);
        context.success();
    }

    /** CONFIGURE_TOTP already queued (by this action, an admin, or the portal). */
    static boolean appSetupPending(RequiredActionContext context) {
        return context.getAuthenticationSession().getRequiredActions().contains(CONFIGURE_TOTP)
                || context.getUser().getRequiredActionsStream().anyMatch(CONFIGURE_TOTP::equals);
    }

    /** Passkey registration already queued (by this action or the portal's "Passkey toevoegen"). */
    static boolean passkeySetupPending(RequiredActionContext context) {
        return context.getAuthenticationSession().getRequiredActions().contains(REGISTER_PASSKEY)
                || context.getUser().getRequiredActionsStream().anyMatch(REGISTER_PASSKEY::equals);
    }

    /** Required for managers and everyone on the app only; chosen on the first page by an employee. */
    private boolean recoveryCodesWanted(RequiredActionContext context) {
        return recoveryCodesRequired(context)
                || "on".equals(context.getAuthenticationSession().getAuthNote(NOTE_RECOVERY));
    }

    private boolean recoveryCodesRequired(RequiredActionContext context) {
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        List<String> groups = user.getGroupsStream().map(GroupModel::getName).collect(Collectors.toList());
        return methodPolicy.recoveryCodesRequired(roleName -> {
            RoleModel role = realm.getRole(roleName);
            return role != null && user.hasRole(role);
        }, groups);
    }

    /** Queues Keycloak's recovery-code setup unless the user has codes or the realm lacks the action. */
    private static void queueRecoveryCodes(RequiredActionContext context) {
        RequiredActionProviderModel action = context.getRealm().getRequiredActionProviderByAlias(CONFIGURE_RECOVERY_CODES);
        if (action == null || !action.isEnabled() || SecondFactors.hasRecoveryCodes(context.getUser())) {
            return;
        }
        context.getAuthenticationSession().addRequiredAction(CONFIGURE_RECOVERY_CODES);
    }

    private LoginFormsProvider choiceForm(RequiredActionContext context) {
        return context.form()
                .setAttribute("recoveryOptional", !recoveryCodesRequired(context)
                        && !SecondFactors.hasRecoveryCodes(context.getUser()))
                .setAttribute("currentMethod", SecondFactors.hasSms(context.getUser()) ? METHOD_SMS
                        : SecondFactors.hasOtp(context.getUser()) ? METHOD_APP
                        : SecondFactors.hasPasskey(context.getUser()) ? METHOD_PASSKEY : "");
    }

    private LoginFormsProvider smsForm(RequiredActionContext context) {
        String phone = context.getAuthenticationSession().getAuthNote(NOTE_PHONE);
        SmsCodeChallenge challenge = challenge(context);
        RollingWindowLimit hourly = SmsSender.hourlyLimit(context.getSession(), context.getRealm(), context.getUser(),
                challenge.policy());
        int hourlyLeft = hourly.max() - hourly.used();
        LoginFormsProvider form = context.form()
                .setAttribute("needsPhone", phone == null)
                .setAttribute("fromDossier", dossierMobile(context.getUser()).isPresent())
                .setAttribute("codeSent", challenge.hasActiveCode())
                .setAttribute("canSend", challenge.canSend() && hourlyLeft > 0)
                .setAttribute("resendsLeft", challenge.resendsLeft(hourlyLeft))
                .setAttribute("ttlMinutes", Math.max(1, challenge.policy().ttlSeconds() / 60));
        if (phone != null) {
            form.setAttribute("maskedPhone", PhoneNumbers.mask(phone));
        }
        if (hourlyLeft <= 0) {
            // Why the button is disabled; a later setError/setInfo replaces it.
            form.setError(SmsSender.errorMessage(SmsSender.Outcome.HOURLY_LIMIT));
        }
        return form;
    }

    private SmsCodeChallenge challenge(RequiredActionContext context) {
        return new SmsCodeChallenge(NoteStore.authNotes(context.getAuthenticationSession()), SMS_PREFIX,
                SmsSender.defaultPolicy(context.getSession()), Clock.systemUTC(), new CodeGenerator());
    }

    private String method(RequiredActionContext context) {
        if (appOnly(context)) {
            return METHOD_APP;
        }
        return context.getAuthenticationSession().getAuthNote(NOTE_METHOD);
    }

    private boolean appOnly(RequiredActionContext context) {
        RealmModel realm = context.getRealm();
        UserModel user = context.getUser();
        return methodPolicy.appOnly(roleName -> {
            RoleModel role = realm.getRole(roleName);
            return role != null && user.hasRole(role);
        });
    }

    static Optional<String> dossierMobile(UserModel user) {
        return PhoneNumbers.normalize(user.getFirstAttribute(MOBILE_ATTRIBUTE));
    }

    private static void clearNotes(RequiredActionContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        authSession.removeAuthNote(NOTE_METHOD);
        authSession.removeAuthNote(NOTE_PHONE);
        authSession.removeAuthNote(NOTE_RECOVERY);
        // The send counter stays: going back and forth must not reset the SMS limit.
        new SmsCodeChallenge(NoteStore.authNotes(authSession), SMS_PREFIX,
                SmsCodePolicy.DEFAULT, Clock.systemUTC(), new CodeGenerator()).voidCode();
    }

    @Override
    public void initiatedActionCanceled(org.keycloak.models.KeycloakSession session, AuthenticationSessionModel authSession) {
        authSession.removeAuthNote(NOTE_METHOD);
        authSession.removeAuthNote(NOTE_PHONE);
    }

    @Override
    public void close() {
    }
}
