package nl.arbo.keycloak.code;

import java.util.HashMap;
import java.util.Map;

import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Small key/value view on where challenge state lives. In Keycloak that is the authentication
 * session's auth notes; in unit tests a plain map.
 */
public interface NoteStore {

    String get(String key);

    void set(String key, String value);

    void remove(String key);

    static NoteStore authNotes(AuthenticationSessionModel authSession) {
        return new NoteStore() {
            @Override
            public String get(String key) {
                return authSession.getAuthNote(key);
            }

            @Override
            public void set(String key, String value) {
                authSession.setAuthNote(key, value);
            }

            @Override
            public void remove(String key) {
                authSession.removeAuthNote(key);
            }
        };
    }

    /** Client notes survive a flow reset and a fork (used for per-session limits that must not reset). */
    static NoteStore clientNotes(AuthenticationSessionModel authSession) {
        return new NoteStore() {
            @Override
            public String get(String key) {
                return authSession.getClientNote(key);
            }

            @Override
            public void set(String key, String value) {
                authSession.setClientNote(key, value);
            }

            @Override
            public void remove(String key) {
                authSession.removeClientNote(key);
            }
        };
    }

    static NoteStore inMemory() {
        Map<String, String> map = new HashMap<>();
        return new NoteStore() {
            @Override
            public String get(String key) {
                return map.get(key);
            }

            @Override
            public void set(String key, String value) {
                map.put(key, value);
            }

            @Override
            public void remove(String key) {
                map.remove(key);
            }
        };
    }
}
