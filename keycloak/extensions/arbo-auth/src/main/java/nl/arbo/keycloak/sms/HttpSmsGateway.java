package nl.arbo.keycloak.sms;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * POSTs {"to": "+316...", "text": "..."} as JSON with "Authorization: Bearer &lt;token&gt;" to a
 * configured URL and expects a 2xx answer. The dev sink's POST /api/sms speaks exactly this; an
 * adapter for a real SMS provider can expose the same small contract.
 */
public class HttpSmsGateway implements SmsGateway {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI url;
    private final String token;
    private final Duration timeout;

    public HttpSmsGateway(HttpClient client, URI url, String token, Duration timeout) {
        this.client = client;
        this.url = url;
        this.token = token;
        this.timeout = timeout;
    }

    static String body(String to, String text) {
        Map<String, String> payload = new LinkedHashMap<>();
        payload.put("to", to);
        payload.put("text", text);
        try {
            return JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise SMS payload", e);
        }
    }

    @Override
    public void send(String to, String text) throws SmsSendException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(to, text)));
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SmsSendException("SMS gateway not reachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmsSendException("interrupted while sending SMS", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new SmsSendException("SMS gateway answered HTTP " + response.statusCode());
        }
    }
}
