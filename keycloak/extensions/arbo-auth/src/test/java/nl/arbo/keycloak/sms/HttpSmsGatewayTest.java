package nl.arbo.keycloak.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the gateway against a real local HTTP server (JDK built-in) to check the wire format. */
class HttpSmsGatewayTest {

    record Received(String method, String path, String contentType, String authorization, String body) {
    }

    HttpServer server;
    List<Received> received = new CopyOnWriteArrayList<>();
    volatile int status = 201;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/sms", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    HttpSmsGateway gateway(String token) {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/sms");
        return new HttpSmsGateway(HttpClient.newHttpClient(), url, token, Duration.ofSeconds(5));
    }

    @Test
    void postsJsonWithBearerToken() throws Exception {
        gateway("secret-token").send("+31612345678", "Uw inlogcode is 123456 \"quoted\" é");
        assertEquals(1, received.size());
        Received r = received.get(0);
        assertEquals("POST", r.method());
        assertEquals("/api/sms", r.path());
        assertEquals("application/json", r.contentType());
        assertEquals("Bearer secret-token", r.authorization());
        @SuppressWarnings("unchecked")
        Map<String, String> json = new ObjectMapper().readValue(r.body(), Map.class);
        assertEquals(Map.of("to", "+31612345678", "text", "Uw inlogcode is 123456 \"quoted\" é"), json);
    }

    @Test
    void omitsAuthorizationWithoutToken() throws Exception {
        gateway(null).send("+31612345678", "x");
        assertNull(received.get(0).authorization());
    }

    @Test
    void non2xxAnswerIsAFailure() {
        status = 500;
        SmsSendException e = assertThrows(SmsSendException.class, () -> gateway("t").send("+31612345678", "x"));
        assertTrue(e.getMessage().contains("500"), e.getMessage());
    }

    @Test
    void unreachableGatewayIsAFailure() {
        int port = server.getAddress().getPort();
        server.stop(0);
        HttpSmsGateway gone = new HttpSmsGateway(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + port + "/api/sms"), "t", Duration.ofSeconds(2));
        assertThrows(SmsSendException.class, () -> gone.send("+31612345678", "x"));
    }

    @Test
    void bodyIsValidJsonEvenWithControlCharacters() throws Exception {
        String body = HttpSmsGateway.body("+31612345678", "line1\nline2\t\\");
        @SuppressWarnings("unchecked")
        Map<String, String> json = new ObjectMapper().readValue(body, Map.class);
        assertEquals("line1\nline2\t\\", json.get("text"));
    }
}
