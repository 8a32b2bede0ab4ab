package nl.arbo.keycloak.reset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.HashMap;
import java.util.Map;

import jakarta.ws.rs.core.MultivaluedHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Wrong birth dates are counted per user by the step itself and never reach Keycloak's brute-force
 * detector, so they cannot lock the password sign-in; beyond the per-user limit even the right date
 * selects nobody (the next step then answers the same neutral message).
 */
class BirthDateResetAuthenticatorTest {

    static final String EMAIL = "werknemer@example.nl";
    static final String RIGHT = "07-03-1980";

    /** Keycloak's single-use object store, as a map (no expiry needed here). */
    static final class FakeSingleUseObjects implements SingleUseObjectProvider {
        final Map<String, Map<String, String>> entries = new HashMap<>();

        @Override
        public void put(String key, long lifespanSeconds, Map<String, String> notes) {
            entries.put(key, notes);
        }

        @Override
        public Map<String, String> get(String key) {
            return entries.get(key);
        }

        @Override
        public Map<String, String> remove(String key) {
            return entries.remove(key);
        }

        @Override
        public boolean replace(String key, Map<String, String> notes) {
            return entries.replace(key, notes) != null;
        }

        @Override
        public boolean putIfAbsent(String key, long lifespanInSeconds) {
            return entries.putIfAbsent(key, Map.of()) == null;
        }

        @Override
        public boolean contains(String key) {
            return entries.containsKey(key);
        }

        @Override
        public void close() {
        }
    }

    final BirthDateResetAuthenticator step = new BirthDateResetAuthenticator();
    final FakeSingleUseObjects store = new FakeSingleUseObjects();
    final Map<String, String> clientNotes = new HashMap<>();
    final Map<String, String> config = new HashMap<>();
    BruteForceProtector protector;
    UserModel user;
    UserModel other;

    @BeforeEach
    void setUp() {
        protector = mock(BruteForceProtector.class);
        user = user("u-1");
        other = user("u-2");
    }

    UserModel user(String id) {
        UserModel u = mock(UserModel.class);
        when(u.getId()).thenReturn(id);
        when(u.isEnabled()).thenReturn(true);
        when(u.getFirstAttribute("birthDate")).thenReturn("1980-03-07");
        return u;
    }

    /** One submission of the reset form, in a fresh authentication session (a new browser). */
    AuthenticationFlowContext submit(UserModel account, String birthDate) {
        clientNotes.clear();
        return submitInSameSession(account, birthDate);
    }

    AuthenticationFlowContext submitInSameSession(UserModel account, String birthDate) {
        AuthenticationFlowContext context = mock(AuthenticationFlowContext.class);
        KeycloakSession session = mock(KeycloakSession.class);
        RealmModel realm = mock(RealmModel.class);
        UserProvider users = mock(UserProvider.class);
        AuthenticationSessionModel authSession = mock(AuthenticationSessionModel.class);
        HttpRequest request = mock(HttpRequest.class);
        MultivaluedHashMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("email", EMAIL);
        form.putSingle("birthDate", birthDate);
        AuthenticatorConfigModel configModel = new AuthenticatorConfigModel();
        configModel.setAlias("arbo reset birthdate");
        configModel.setConfig(config);

        when(context.getHttpRequest()).thenReturn(request);
        when(request.getDecodedFormParameters()).thenReturn(form);
        when(context.getSession()).thenReturn(session);
        when(context.getRealm()).thenReturn(realm);
        when(realm.getId()).thenReturn("realm-1");
        when(session.users()).thenReturn(users);
        when(session.singleUseObjects()).thenReturn(store);
        when(users.getUserByEmail(any(), anyString())).thenReturn(account);
        when(context.getAuthenticationSession()).thenReturn(authSession);
        when(authSession.getClientNote(anyString())).thenAnswer(i -> clientNotes.get(i.getArgument(0, String.class)));
        doAnswer(i -> clientNotes.put(i.getArgument(0), i.getArgument(1)))
                .when(authSession).setClientNote(anyString(), anyString());
        when(context.getAuthenticatorConfig()).thenReturn(configModel);
        when(context.getEvent()).thenReturn(mock(EventBuilder.class, RETURNS_SELF));
        when(context.form()).thenReturn(mock(LoginFormsProvider.class, RETURNS_SELF));
        when(context.getProtector()).thenReturn(protector);

        step.action(context);
        return context;
    }

    void assertBruteForceNeverTold() {
        boolean told = mockingDetails(protector).getInvocations().stream()
                .anyMatch(i -> i.getMethod().getName().equals("failedLogin"));
        assertFalse(told, "a wrong birth date must not count as a failed sign-in");
    }

    @Test
    void rightDateSelectsTheUser() {
        AuthenticationFlowContext context = submit(user, RIGHT);
        verify(context).setUser(user);
        verify(context).success();
    }

    @Test
    void wrongDatesAreCountedPerUserNotAsFailedSignIns() {
        for (int i = 0; i < 10; i++) {
            AuthenticationFlowContext context = submit(user, "01-01-1990");
            verify(context, never()).setUser(any());
            verify(context).success(); // the next step answers the neutral message
        }
        assertBruteForceNeverTold();
        assertEquals(5, store.entries.keySet().stream().filter(k -> k.contains("u-1")).count(),
                "the default limit is 5 per user; beyond it nothing more is counted");
    }

    @Test
    void beyondTheUserLimitEvenTheRightDateSelectsNobody() {
        for (int i = 0; i < 5; i++) {
            submit(user, "01-01-1990");
        }
        AuthenticationFlowContext context = submit(user, RIGHT);
        verify(context, never()).setUser(any());
        verify(context).clearUser();
        verify(context).success();
        // and another employee is not affected
        verify(submit(other, RIGHT)).setUser(other);
    }

    @Test
    void theUserLimitIsConfigurableAndMalformedValuesFallBackToTheDefault() {
        config.put("max-failures-per-user", "2");
        submit(user, "01-01-1990");
        verify(submit(user, RIGHT)).setUser(user);
        submit(user, "02-01-1990");
        verify(submit(user, RIGHT), never()).setUser(any());

        config.put("max-failures-per-user", "twee");
        config.put("failure-window-hours", "-1");
        config.put("max-failures", "x");
        verify(submit(other, "01-01-1990"), times(1)).success(); // no exception: defaults apply
        for (int i = 0; i < 3; i++) {
            submit(other, "01-01-1990");
        }
        verify(submit(other, RIGHT)).setUser(other); // 4 wrong dates: under the default 5
    }

    @Test
    void theSessionLimitStillRefusesFurtherTriesInOneBrowser() {
        config.put("max-failures-per-user", "100");
        submit(user, "01-01-1990");
        for (int i = 0; i < 4; i++) {
            submitInSameSession(user, "01-01-1990");
        }
        AuthenticationFlowContext context = submitInSameSession(user, RIGHT);
        verify(context, never()).setUser(any());
        verify(context, never()).success();
        verify(context).challenge(any());
    }

    @Test
    void positiveIntAcceptsOnlyWholeNumbersInRange() {
        assertEquals(3, BirthDateResetAuthenticator.positiveInt(Map.of("k", " 3 "), "k", 5, 10));
        assertEquals(5, BirthDateResetAuthenticator.positiveInt(Map.of("k", "0"), "k", 5, 10));
        assertEquals(5, BirthDateResetAuthenticator.positiveInt(Map.of("k", "11"), "k", 5, 10));
        assertEquals(5, BirthDateResetAuthenticator.positiveInt(Map.of("k", "vijf"), "k", 5, 10));
        assertEquals(5, BirthDateResetAuthenticator.positiveInt(Map.of(), "k", 5, 10));
    }
}
