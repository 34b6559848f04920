package io.github.kafkarestgateway.console;

import java.nio.file.Files;
import java.util.Base64;

import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.auth.CertificateAuthority;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /console/api/certificates/ca.pem} (the CA certificate to trust, as a file) and
 * {@code GET /console/api/certificates/ca.p12} (a PKCS12 trust store of it with a new random password, both in JSON:
 * the page shows the password and offers the store as a file), as the certificates tool's {@code trust}.
 */
public class DownloadCaCertificate implements Processor {

    private final CertificateAuthority authority;
    private String format = "pem";

    public DownloadCaCertificate(CertificateAuthority authority) {
        this.authority = authority;
    }

    /** {@code pem} or {@code p12}. */
    public void setFormat(String format) {
        this.format = format;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        if (format.equals("p12")) {
            String password = ApiKeyStore.newKey();
            ConsoleAnswer.json(message, 200, ConsoleAnswer.object().put("password", password)
                    .put("file", "ca.p12").put("trustStore", Base64.getEncoder()
                            .encodeToString(authority.trustStore(password))));
            return;
        }
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/x-pem-file");
        message.setHeader("Content-Disposition", "attachment; filename=\"ca.pem\"");
        message.setBody(Files.readAllBytes(authority.caCertificate()));
    }
}
