package nl.arbo.keycloak.sms;

import org.jboss.logging.Logger;

import nl.arbo.keycloak.phone.PhoneNumbers;

/**
 * Development gateway: never sends anything, only writes the message to the Keycloak log so a
 * developer can read the code there. The number is masked; the text (with the code) is logged
 * on purpose because that is the point of this mode. Only in development mode: outside it Keycloak
 * refuses to start in this mode ({@link SmsGatewaySettings#requireRealGatewayUnless(boolean)}).
 */
public class LoggingSmsGateway implements SmsGateway {

    private static final Logger LOG = Logger.getLogger(LoggingSmsGateway.class);

    @Override
    public void send(String to, String text) {
        LOG.infof("[arbo-sms log gateway, NOT sent] to=%s text=%s", PhoneNumbers.mask(to), text);
    }
}
