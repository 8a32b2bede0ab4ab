package nl.arbo.keycloak.sms;

import org.keycloak.provider.Provider;

/** Sends one text message. Implementations: {@link LoggingSmsGateway} (dev default) and {@link HttpSmsGateway}. */
public interface SmsGateway extends Provider {

    /**
     * @param to   E.164 number, e.g. +31612345678
     * @param text message body
     * @throws SmsSendException when the message was not accepted
     */
    void send(String to, String text) throws SmsSendException;

    @Override
    default void close() {
    }
}
