package nl.arbo.keycloak.requiredaction;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.ws.rs.core.MultivaluedHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/** The hand-over to Keycloak's CONFIGURE_TOTP (app) and webauthn-register-passwordless (passkey), and the
 * trigger that must not loop back to the choice. */
class ChooseSecondFactorActionTest {

    private final ChooseSecondFactorAction action = new ChooseSecondFactorAction(MethodPolicy.DEFAULT);

    private RequiredActionContext context;
    private RealmModel realm;
    private UserModel user;
    private SubjectCredentialManager credentials;
    private AuthenticationSessionModel authSession;
    private RequiredActionProviderModel configureTotp;
    private final Set<String> sessionRequiredActions = new HashSet<>();
    private final Set<String> roles = new HashSet<>();
    private final MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();

    @BeforeEach
    void setUp() {
        context = mock(RequiredActionContext.class);
        realm = mock(RealmModel.class);
        user = mock(UserModel.class);
        credentials = mock(SubjectCredentialManager.class);
        authSession = mock(AuthenticationSessionModel.class);
        HttpRequest request = mock(HttpRequest.class);
        when(context.getRealm()).thenReturn(realm);
        when(context.getUser()).thenReturn(user);
        when(context.getAuthenticationSession()).thenReturn(authSession);
        when(context.getEvent()).thenReturn(mock(EventBuilder.class, RETURNS_SELF));
        when(context.form()).thenReturn(mock(LoginFormsProvider.class, RETURNS_SELF));
        when(context.getHttpRequest()).thenReturn(request);
        when(request.getDecodedFormParameters()).thenReturn(form);
        when(user.credentialManager()).thenReturn(credentials);
        when(credentials.getStoredCredentialsByTypeStream(anyString())).thenAnswer(i -> Stream.empty());
        when(user.getRequiredActionsStream()).thenAnswer(i -> Stream.empty());
        when(authSession.getRequiredActions()).thenReturn(sessionRequiredActions);
        for (String name : List.of("employee", "manager", "superuser")) {
            RoleModel role = mock(RoleModel.class);
            when(realm.getRole(name)).thenReturn(role);
            when(user.hasRole(role)).thenAnswer(i -> roles.contains(name));
        }
        configureTotp = new RequiredActionProviderModel();
        configureTotp.setAlias("CONFIGURE_TOTP");
        configureTotp.setProviderId("CONFIGURE_TOTP");
        configureTotp.setEnabled(true);
        when(realm.getRequiredActionProviderByAlias("CONFIGURE_TOTP")).thenReturn(configureTotp);
        registerPasskey = new RequiredActionProviderModel();
        registerPasskey.setAlias("webauthn-register-passwordless");
        registerPasskey.setProviderId("webauthn-register-passwordless");
        registerPasskey.setEnabled(true);
        when(realm.getRequiredActionProviderByAlias("webauthn-register-passwordless")).thenReturn(registerPasskey);
    }

    private RequiredActionProviderModel registerPasskey;

    private void verifyHandedOverToConfigureTotp() {
        verify(authSession).addRequiredAction("CONFIGURE_TOTP");
        verify(context).success();
        verify(context, never()).challenge(any());
    }

    @Test
    void managerWithoutChoiceGoesStraightToKeycloaksTotpAction() {
        roles.add("manager");

        action.requiredActionChallenge(context);

        verifyHandedOverToConfigureTotp();
    }

    @Test
    void employeeSeesTheChoiceFirst() {
        roles.add("employee");

        action.requiredActionChallenge(context);

        verify(context).challenge(any());
        verify(context, never()).success();
        verify(authSession, never()).addRequiredAction(anyString());
    }

    @Test
    void employeeChoosingTheAppIsHandedToKeycloaksTotpAction() {
        roles.add("employee");
        form.putSingle("action", "choose");
        form.putSingle("method", "app");

        action.processAction(context);

        verifyHandedOverToConfigureTotp();
    }

    @Test
    void managerPostingSmsStillGetsTheApp() {
        roles.add("manager");
        form.putSingle("action", "choose");
        form.putSingle("method", "sms");

        action.processAction(context);

        verifyHandedOverToConfigureTotp();
    }

    @Test
    void disabledTotpActionRefusesInsteadOfLettingTheUserInWithoutSecondFactor() {
        roles.add("manager");
        configureTotp.setEnabled(false);

        action.requiredActionChallenge(context);

        verify(context, never()).success();
        verify(authSession, never()).addRequiredAction(anyString());
        verify(context).challenge(any());
    }

    @Test
    void userWithoutSecondFactorGetsTheChoiceQueued() {
        action.evaluateTriggers(context);

        verify(authSession).addRequiredAction(ChooseSecondFactorActionFactory.PROVIDER_ID);
    }

    @Test
    void queuedTotpSetupInTheSessionIsNotInterruptedByTheChoiceAgain() {
        sessionRequiredActions.add("CONFIGURE_TOTP");

        action.evaluateTriggers(context);

        verify(authSession, never()).addRequiredAction(anyString());
    }

    @Test
    void totpSetupRequiredOnTheUserIsNotInterruptedByTheChoice() {
        when(user.getRequiredActionsStream()).thenAnswer(i -> Stream.of("CONFIGURE_TOTP"));

        action.evaluateTriggers(context);

        verify(authSession, never()).addRequiredAction(anyString());
    }

    @Test
    void employeeChoosingAPasskeyIsHandedToKeycloaksPasskeyRegistration() {
        roles.add("employee");
        form.putSingle("action", "choose");
        form.putSingle("method", "passkey");

        action.processAction(context);

        verify(authSession).addRequiredAction("webauthn-register-passwordless");
        verify(authSession, never()).addRequiredAction("CONFIGURE_TOTP");
        verify(context).success();
        verify(context, never()).challenge(any());
    }

    @Test
    void disabledPasskeyRegistrationRefusesInsteadOfLettingTheUserIn() {
        roles.add("employee");
        registerPasskey.setEnabled(false);
        form.putSingle("action", "choose");
        form.putSingle("method", "passkey");

        action.processAction(context);

        verify(context, never()).success();
        verify(authSession, never()).addRequiredAction(anyString());
        verify(context).challenge(any());
    }

    @Test
    void queuedPasskeyRegistrationIsNotInterruptedByTheChoiceAgain() {
        sessionRequiredActions.add("webauthn-register-passwordless");

        action.evaluateTriggers(context);

        verify(authSession, never()).addRequiredAction(anyString());
    }

    @Test
    void userWithOnlyAPasskeyHasASecondFactor() {
        when(user.getGroupsStream()).thenAnswer(i -> Stream.empty());
        when(credentials.getStoredCredentialsByTypeStream("webauthn-passwordless"))
                .thenAnswer(i -> Stream.of(new org.keycloak.credential.CredentialModel()));

        action.evaluateTriggers(context);

        verify(authSession, never()).addRequiredAction(ChooseSecondFactorActionFactory.PROVIDER_ID);
    }
}
