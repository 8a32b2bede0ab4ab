package nl.arbo.keycloak.event;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Event listener "arbo-2fa-replacement". Not global: a realm enables it by listing the id in
 * its {@code eventsListeners} (next to "jboss-logging"). Storing events is not needed for it.
 */
public class SecondFactorReplacementListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "arbo-2fa-replacement";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new SecondFactorReplacementListener(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
