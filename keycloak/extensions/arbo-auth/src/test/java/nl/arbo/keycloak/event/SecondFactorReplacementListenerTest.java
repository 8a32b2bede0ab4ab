package nl.arbo.keycloak.event;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.credential.CredentialModel;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RealmProvider;
import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;

class SecondFactorReplacementListenerTest {

    private KeycloakSession session;
    private SubjectCredentialManager credentials;
    private SecondFactorReplacementListener listener;

    @BeforeEach
    void setUp() {
        session = mock(KeycloakSession.class);
        RealmProvider realms = mock(RealmProvider.class);
        UserProvider users = mock(UserProvider.class);
        RealmModel realm = mock(RealmModel.class);
        UserModel user = mock(UserModel.class);
        credentials = mock(SubjectCredentialManager.class);
        when(session.realms()).thenReturn(realms);
        when(session.users()).thenReturn(users);
        when(realms.getRealm("realm-id")).thenReturn(realm);
        when(users.getUserById(realm, "user-id")).thenReturn(user);
        when(user.getId()).thenReturn("user-id");
        when(user.credentialManager()).thenReturn(credentials);
        listener = new SecondFactorReplacementListener(session);
    }

    private static CredentialModel credential(String id, String type, long created) {
        CredentialModel c = new CredentialModel();
        c.setId(id);
        c.setType(type);
        c.setCreatedDate(created);
        return c;
    }

    private void stored(CredentialModel... list) {
        when(credentials.getStoredCredentialsStream()).thenAnswer(i -> List.of(list).stream());
    }

    @Test
    void newAppRemovesOlderAppAndSms() {
        stored(credential("pw", "password", 1L), credential("otp-old", "otp", 10L),
                credential("sms", "arbo-sms", 20L), credential("otp-new", "otp", 30L));

        listener.onEvent(NewOtpCredentialEventsTest.event(EventType.UPDATE_CREDENTIAL, "user-id", "otp"));

        verify(credentials).removeStoredCredentialById("otp-old");
        verify(credentials).removeStoredCredentialById("sms");
        verify(credentials, never()).removeStoredCredentialById("otp-new");
        verify(credentials, never()).removeStoredCredentialById("pw");
    }

    @Test
    void onlyOneAppMeansNothingToRemove() {
        stored(credential("pw", "password", 1L), credential("otp-new", "otp", 30L));

        listener.onEvent(NewOtpCredentialEventsTest.event(EventType.UPDATE_TOTP, "user-id", "otp"));

        verify(credentials, never()).removeStoredCredentialById(anyString());
    }

    @Test
    void withoutAnyOtpCredentialTheSmsStays() {
        // e.g. an OTP stored in a federated user store: never leave the user without a second factor
        stored(credential("sms", "arbo-sms", 20L));

        listener.onEvent(NewOtpCredentialEventsTest.event(EventType.UPDATE_CREDENTIAL, "user-id", "otp"));

        verify(credentials, never()).removeStoredCredentialById(anyString());
    }

    @Test
    void passwordChangesAndOtherEventsDoNothing() {
        listener.onEvent(NewOtpCredentialEventsTest.event(EventType.UPDATE_CREDENTIAL, "user-id", "password"));
        listener.onEvent(NewOtpCredentialEventsTest.event(EventType.LOGIN, "user-id", null));

        verifyNoInteractions(session);
    }

    @Test
    void unknownUserDoesNothing() {
        listener.onEvent(NewOtpCredentialEventsTest.event(EventType.UPDATE_CREDENTIAL, "someone-else", "otp"));

        verifyNoInteractions(credentials);
    }
}
